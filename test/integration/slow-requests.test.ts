import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { embedded, startInstance } from '../helpers/realtime.js';

/**
 * Far above the 1 s configured, far below the 30 s that node's default check interval lets
 * through (each test starts its own server, so no check of an earlier test's server falls in it).
 */
const CUT_WITHIN_MS = 12_000;

interface Dripped {
  /** What the server answered before closing (node's `408 Request Timeout`), if anything. */
  answer: string;
  /** False when the server was still reading after CUT_WITHIN_MS. */
  cut: boolean;
}

/** Sends `head` at once, then `drip` every 200 ms until the server closes the connection. */
function drip(port: number, head: string, drip: string): Promise<Dripped> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setInterval(() => socket.writable && socket.write(drip), 200);
    const giveUp = setTimeout(() => finish(false), CUT_WITHIN_MS);
    const finish = (cut: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ answer, cut });
    };
    socket.on('data', (chunk) => {
      answer += String(chunk);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.write(head);
  });
}

describe('slow requests are cut at REQUEST_TIMEOUT_MS (embedded, REQUEST_TIMEOUT_MS=1000)', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startInstance(embedded({ REQUEST_TIMEOUT_MS: '1000' }));
  });
  afterEach(async () => {
    await server.close();
  });

  it('cuts a client that sends its headers one line at a time', async () => {
    const result = await drip(
      server.port,
      'POST /graphql HTTP/1.1\r\nHost: docgate.test\r\n',
      'X-Slow: 1\r\n',
    );
    expect(result.cut).toBe(true);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);

  it('cuts a client that sends its body one byte at a time', async () => {
    const head =
      'POST /graphql HTTP/1.1\r\nHost: docgate.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const result = await drip(server.port, head, ' ');
    expect(result.cut).toBe(true);
  }, 30_000);
});
