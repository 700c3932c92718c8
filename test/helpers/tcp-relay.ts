import { createConnection, createServer, type Socket } from 'node:net';

/** One connection the relay accepted: where it went and what the client sent first. */
export interface RelayedConnection {
  target: number;
  /** The first bytes the client sent (a request's head), up to 4 KB. */
  head: string;
}

/**
 * A TCP relay in front of gateway instances, as a load balancer is: each new connection goes to
 * the current `target` port; `cut()` drops every open one, both sides, as a network cut or a
 * proxy's restart does, so a client reconnects by itself (perhaps to another instance).
 */
export interface TcpRelay {
  readonly port: number;
  target: number;
  readonly connections: readonly RelayedConnection[];
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpRelay(target: number): Promise<TcpRelay> {
  const open = new Set<Socket>();
  const connections: RelayedConnection[] = [];
  const server = createServer((client) => {
    const record: RelayedConnection = { target: relay.target, head: '' };
    connections.push(record);
    const upstream = createConnection(record.target, '127.0.0.1');
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    open.add(client);
    open.add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (record.head.length < 4096) record.head += chunk.toString('latin1');
    });
    client.pipe(upstream);
    upstream.pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  const relay: TcpRelay = {
    port: address.port,
    target,
    connections,
    cut() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    async close() {
      relay.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return relay;
}
