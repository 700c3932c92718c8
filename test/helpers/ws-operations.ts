/**
 * Operations over one graphql-ws connection as a client sees them, and raw sockets for what a
 * graphql-ws client will not send (odd connection payloads).
 */
import { type Client, createClient, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { wsUrl } from './realtime.js';

export type WsResult = FormattedExecutionResult<Record<string, unknown>, unknown>;

/**
 * A graphql-ws client that keeps its one connection open between operations (no lazy close, no
 * retry), so what the server does to that connection shows.
 */
export function keptClient(server: { port: number }, authorization?: string): Client {
  return createClient({
    url: wsUrl(server),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazyCloseTimeout: 600_000,
    connectionParams: authorization === undefined ? {} : { authorization },
  });
}

/**
 * Runs one operation and resolves with its last result, or with `{ errors }` when the server
 * answered with an `error` message; rejects when the connection itself failed.
 */
export function wsRun(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
  extensions?: Record<string, unknown>,
): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    let last: WsResult = {};
    client.subscribe<Record<string, unknown>, unknown>(
      { query, variables, ...(extensions === undefined ? {} : { extensions }) },
      {
        next: (value) => {
          last = value;
        },
        error: (error: unknown) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve(last),
      },
    );
  });
}

/** The error codes of a result, in order. */
export function codesOf(result: WsResult): unknown[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}

/** Watches a client's connection: `closes` lists every close code it saw. */
export function watchCloses(client: Client): { closes: number[] } {
  const seen = { closes: [] as number[] };
  client.on('closed', (event) => {
    seen.closes.push((event as { code: number }).code);
  });
  return seen;
}

/**
 * Opens a raw socket on `path`, sends `connection_init` with `payload`, and resolves with what
 * came back first: `ack`, the close code, or the HTTP status that refused the upgrade.
 */
export function rawInit(
  port: number,
  payload: unknown,
  path = '/graphql',
): Promise<{ ack?: true; close?: number; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, 'graphql-transport-ws');
    socket.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    socket.on('error', () => undefined);
    socket.on('open', () =>
      socket.send(
        JSON.stringify(
          payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload },
        ),
      ),
    );
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type?: string }).type === 'connection_ack') {
        resolve({ ack: true });
        socket.close();
      }
    });
    socket.on('close', (code) => resolve({ close: code }));
  });
}
