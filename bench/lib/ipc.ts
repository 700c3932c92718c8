/** Messages between a bench process and the scenario that started it (see child.ts). */
export type IpcReply =
  | { kind: 'ready'; value: unknown }
  | { kind: 'ok'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: string };

interface IpcRequest {
  id: number;
  type: string;
  payload: unknown;
}

type Handler = (payload: unknown) => unknown;

function send(message: IpcReply): void {
  process.send?.(message);
}

/**
 * In a child: answers the parent's requests with `handlers`, then says it is ready. `stop` runs
 * on SIGTERM or when the parent goes away, then the process exits.
 */
export function serveParent(
  handlers: Record<string, Handler>,
  ready: unknown,
  stop: () => Promise<void>,
): void {
  if (process.send === undefined) throw new Error('this bench process must be started by a scenario (IPC)');
  process.on('message', (raw: unknown) => {
    const { id, type, payload } = raw as IpcRequest;
    const handler = handlers[type];
    if (handler === undefined) {
      send({ kind: 'error', id, error: `no handler for ${type}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(payload))
      .then(
        (value) => send({ kind: 'ok', id, value: value ?? null }),
        (error: unknown) =>
          send({
            kind: 'error',
            id,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('disconnect', shutdown);
  send({ kind: 'ready', value: ready });
}
