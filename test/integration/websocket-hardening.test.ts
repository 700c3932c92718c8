import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { MAX_BODY_BYTES } from '../../src/plugins/use-hardening.js';
import { type RunningServer, startServer } from '../../src/server.js';

describe('WebSocket hardening', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(
      loadConfig({
        PORT: '0',
        DATA_DIR: ':memory:',
        SEED_DEMO_DATA: 'false',
        CORS_ORIGINS: 'https://app.example.com',
      }),
      createLogger('silent'),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  const open = (origin?: string) =>
    new WebSocket(
      `ws://127.0.0.1:${server.port}/graphql`,
      'graphql-transport-ws',
      origin === undefined ? {} : { origin },
    );

  /** Resolves with how the connection ended: refused at the upgrade (HTTP status) or closed (code). */
  const outcome = (socket: WebSocket) =>
    new Promise<{ status?: number; close?: number }>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
      socket.on('close', (code) => resolve({ close: code }));
      socket.on('error', () => undefined);
    });

  it('refuses a browser page of another origin, and accepts its own origin and CORS_ORIGINS', async () => {
    expect(await outcome(open('https://evil.example'))).toEqual({ status: 401 });
    for (const origin of [`http://127.0.0.1:${server.port}`, 'https://app.example.com', undefined]) {
      const socket = open(origin);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('unexpected-response', () => reject(new Error(`refused ${origin}`)));
      });
      socket.close();
    }
  });

  it('closes a connection that never sends connection_init (4408)', async () => {
    const socket = open();
    expect(await outcome(socket)).toEqual({ close: 4408 });
  });

  it('closes a connection that sends a message over the size limit (1009)', async () => {
    const socket = open();
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('x'.repeat(MAX_BODY_BYTES + 1));
    expect(await outcome(socket)).toEqual({ close: 1009 });
  });
});
