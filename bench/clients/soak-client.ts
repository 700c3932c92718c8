/**
 * The soak's mixed load, from its own process: workers in a closed loop over the instances in
 * turn (reads, customer updates, orders, scores, jobs), plus WebSocket subscribers that come and
 * go. Every error is sorted: a contract code (BAD_USER_INPUT, CONFLICT...) or a failure (an
 * INTERNAL_SERVER_ERROR, a 5xx, a dropped connection). Placed orders and enqueued jobs are
 * remembered for the checks afterwards.
 */
import WebSocket from 'ws';
import { serveParent } from '../lib/ipc.js';
import {
  CUSTOMER,
  ENQUEUE_JOB,
  ORDERS,
  PLACE_ORDER,
  PRODUCT,
  SUBMIT_SCORE,
  UPDATE_CUSTOMER,
} from '../lib/queries.js';

export interface SoakSpec {
  urls: string[];
  authorization: string;
  customerIds: string[];
  productIds: string[];
  seconds: number;
  workers: number;
  /** Subscribers open at once, each living 1-4 s. */
  subscribers: number;
}

export interface OpStats {
  ok: number;
  contract: Record<string, number>;
  failures: number;
  lastFailure: string;
}

const CONTRACT = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'SERVICE_UNAVAILABLE',
]);

/** The WebSocket close code (RFC 6455 registry) docgate sends when the session store does not answer. */
const TRY_AGAIN_LATER = 1013;
/** How long a connection may take to be acknowledged (a loaded 2-core machine takes seconds). */
const ACK_WITHIN_MS = 30_000;

/** The contract's LeaderboardUpdated with the cursor and `after`, so that a subscriber can resume. */
const BOARD_FROM_CURSOR = `subscription SoakBoard($board: String!, $after: String) {
  leaderboardUpdated(board: $board, after: $after) { cursor player score rank previousRank }
}`;

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

async function run(spec: SoakSpec) {
  const stats: Record<string, OpStats> = {};
  const orders: Array<{ id: string; items: Array<{ productId: string; quantity: number }> }> = [];
  const jobIds: string[] = [];
  const subs = {
    opened: 0,
    resumed: 0,
    events: 0,
    tryAgainLater: 0,
    contract: {} as Record<string, number>,
    failures: 0,
    lastFailure: '',
  };
  const record = (op: string) => {
    stats[op] ??= { ok: 0, contract: {}, failures: 0, lastFailure: '' };
    return stats[op];
  };
  let turn = 0;
  const call = async (op: string, query: string, variables: Record<string, unknown>) => {
    const s = record(op);
    const url = spec.urls[turn++ % spec.urls.length] ?? '';
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: spec.authorization },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as {
        data?: Record<string, unknown> | null;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
      const codes = (body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
      // A 503 with SERVICE_UNAVAILABLE is the contract's answer (a status other than 200 carries its
      // code); a 5xx without a code, or any code outside the contract, is a failure.
      const uncoded = response.status >= 500 && codes.length === 0;
      if (uncoded || codes.some((c) => !CONTRACT.has(c))) {
        s.failures++;
        s.lastFailure = `${response.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`;
        return null;
      }
      if (codes.length > 0) {
        for (const c of codes) s.contract[c] = (s.contract[c] ?? 0) + 1;
        return null;
      }
      s.ok++;
      return body.data ?? null;
    } catch (error) {
      s.failures++;
      s.lastFailure = String(error);
      return null;
    }
  };
  const ops: Array<[number, () => Promise<unknown>]> = [
    [20, () => call('orders list', ORDERS, { first: 20 })],
    [15, () => call('customer by id', CUSTOMER, { id: pick(spec.customerIds) })],
    [15, () => call('product by id', PRODUCT, { id: pick(spec.productIds) })],
    [
      10,
      () =>
        call('update customer', UPDATE_CUSTOMER, {
          id: pick(spec.customerIds),
          input: { firstName: `F${Date.now() % 1000}` },
        }),
    ],
    [
      15,
      async () => {
        const first = pick(spec.productIds);
        const second = pick(spec.productIds);
        const items = [{ productId: first, quantity: 1 + Math.floor(Math.random() * 3) }];
        if (second !== first) items.push({ productId: second, quantity: 1 });
        const data = await call('place order', PLACE_ORDER, {
          input: { customerId: pick(spec.customerIds), items },
        });
        const placed = data?.placeOrder as { id?: string } | undefined;
        if (placed?.id !== undefined) orders.push({ id: placed.id, items });
      },
    ],
    [
      15,
      () =>
        call('submit score', SUBMIT_SCORE, {
          board: 'soak',
          player: `p${Math.floor(Math.random() * 500)}`,
          score: Math.floor(Math.random() * 1e6),
        }),
    ],
    [
      10,
      async () => {
        const data = await call('enqueue job', ENQUEUE_JOB, {
          type: 'send_email',
          payload: {
            to: `soak${Math.floor(Math.random() * 100)}@example.test`,
            subject: 'Soak',
            body: 'Hello',
          },
        });
        const job = data?.enqueueJob as { id?: string } | undefined;
        if (job?.id !== undefined) jobIds.push(job.id);
      },
    ],
  ];
  const weights = ops.reduce((sum, [w]) => sum + w, 0);
  const choose = () => {
    let r = Math.random() * weights;
    for (const [w, op] of ops) {
      r -= w;
      if (r < 0) return op;
    }
    return ops[0]?.[1] ?? (async () => {});
  };
  const deadline = performance.now() + spec.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) await choose()();
  };
  /**
   * A subscriber lives 1-4 s, then subscribes again from the last cursor it received, as the
   * contract's clients resume, so the events published while it was away reach it too. A close
   * with 1013 (Try Again Later) comes before `connection_ack`, when the session store did not
   * answer in time (`src/websocket.ts`, README "Realtime"): the WebSocket form of
   * SERVICE_UNAVAILABLE, so it is counted with the contract outcomes and the subscriber tries again
   * after a pause, from the same cursor. Any other close but 1000 and 1005 is a failure.
   */
  const subscriber = async (index: number) => {
    let after: string | null = null;
    while (performance.now() < deadline) {
      const url = (spec.urls[index % spec.urls.length] ?? '').replace(/^http/, 'ws');
      const code = await new Promise<number>((resolve) => {
        const socket = new WebSocket(url, 'graphql-transport-ws');
        // One failure at most per connection: an error is followed by its close.
        let failed = false;
        const fail = (why: string) => {
          if (failed) return;
          failed = true;
          subs.failures++;
          subs.lastFailure = why;
        };
        // The 1-4 s of life start at connection_ack; a connection not acknowledged by then is a
        // failure (closing it while it connects would be the client's own doing: 1006).
        let life = setTimeout(() => {
          fail(`not acknowledged within ${ACK_WITHIN_MS} ms`);
          socket.terminate();
        }, ACK_WITHIN_MS);
        socket.on('open', () =>
          socket.send(
            JSON.stringify({ type: 'connection_init', payload: { authorization: spec.authorization } }),
          ),
        );
        socket.on('message', (data) => {
          const message = JSON.parse(data.toString()) as { type: string; payload?: unknown };
          if (message.type === 'connection_ack') {
            clearTimeout(life);
            life = setTimeout(() => socket.close(1000), 1000 + Math.random() * 3000);
            subs.opened++;
            if (after !== null) subs.resumed++;
            socket.send(
              JSON.stringify({
                id: '1',
                type: 'subscribe',
                payload: { query: BOARD_FROM_CURSOR, variables: { board: 'soak', after } },
              }),
            );
          } else if (message.type === 'next') {
            subs.events++;
            const change = (message.payload as { data?: { leaderboardUpdated?: { cursor?: string } } }).data
              ?.leaderboardUpdated;
            if (change?.cursor !== undefined) after = change.cursor;
          } else if (message.type === 'error') {
            // The operation refused with a contract code (SERVICE_UNAVAILABLE when the session
            // store is slow) is the contract's; the next connection subscribes again from the cursor.
            const codes = (message.payload as Array<{ extensions?: { code?: string } }> | undefined)?.map(
              (e) => e.extensions?.code ?? 'NO_CODE',
            ) ?? ['NO_CODE'];
            if (codes.length > 0 && codes.every((c) => CONTRACT.has(c)))
              for (const c of codes) subs.contract[c] = (subs.contract[c] ?? 0) + 1;
            else fail(JSON.stringify(message.payload).slice(0, 300));
          }
        });
        socket.on('error', (error) => fail(String(error)));
        socket.on('close', (closeCode) => {
          clearTimeout(life);
          if (closeCode === TRY_AGAIN_LATER) subs.tryAgainLater++;
          else if (closeCode !== 1000 && closeCode !== 1005) fail(`closed with ${closeCode}`);
          resolve(closeCode);
        });
      });
      if (code === TRY_AGAIN_LATER)
        await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 500));
    }
  };
  await Promise.all([
    ...Array.from({ length: spec.workers }, worker),
    ...Array.from({ length: spec.subscribers }, (_v, i) => subscriber(i)),
  ]);
  return { stats, orders, jobIds, subscriptions: subs };
}

serveParent({ run: (payload) => run(payload as SoakSpec) }, { ready: true }, async () => {});
