/**
 * The fan-out ceiling: a raw `ws` server that acknowledges the graphql-transport-ws handshake and
 * broadcasts each message of Redis channel `raw:<board>` (already the `next` frame) to every
 * subscribed socket, as it is. No GraphQL at all.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { type WebSocket, WebSocketServer } from 'ws';
import { serveParent } from '../lib/ipc.js';
import { memoryAfterGc, optionsFromEnv } from './common.js';

const { redisUrl } = optionsFromEnv<{ redisUrl: string }>();
const subscribed = new Set<WebSocket>();
const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: '/graphql' });
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const text = data.toString();
    if (text.includes('"connection_init"')) socket.send('{"type":"connection_ack"}');
    else if (text.includes('"subscribe"')) subscribed.add(socket);
  });
  socket.on('close', () => subscribed.delete(socket));
});
const subscriber = new Redis(redisUrl);
subscriber.on('message', (_channel: string, message: string) => {
  for (const socket of subscribed) socket.send(message);
});
await subscriber.psubscribe('raw:*');
subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => {
  for (const socket of subscribed) socket.send(message);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
serveParent(
  {
    memory: memoryAfterGc,
  },
  { url: `ws://127.0.0.1:${port}/graphql`, authorization: '', customerIds: [], productIds: [] },
  async () => {
    subscriber.disconnect();
    for (const socket of wss.clients) socket.terminate();
    server.close();
  },
);
