/**
 * placeOrder's crash window, on a real process: the gateway runs as a child with
 * DOCGATE_CRASH_AT=<step> and dies by SIGKILL at that step while a dozen orders are in flight;
 * another instance (optionally dying itself in the sweeper) takes over; the last one's sweeper
 * must leave every product with stock + ordered units = its initial stock, no intent and no hold,
 * and the API must list exactly the orders that were stored or confirmed, never a withdrawn one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type CrashStep, loadConfig } from '../../src/config.js';
import { createBackends } from '../../src/datasources/index.js';
import type { DocumentStore, StoredDoc } from '../../src/datasources/ports/documents.js';
import { createLogger } from '../../src/logger.js';
import { createServices, ensureIndexes, type Services } from '../../src/services/index.js';
import { uniqueName } from '../helpers/names.js';
import { type NodeProcess, postGraphql, runEntry } from '../helpers/processes.js';

const BASE = { NODE_ENV: 'test', SEED_DEMO_DATA: 'false', RATE_LIMIT_POINTS: '1000000', LOG_LEVEL: 'info' };
/** What the restarted instance sweeps with: an intent a second old is abandoned. */
const FAST_SWEEP = { ORDER_PENDING_SECONDS: '1', ORDER_SWEEP_SECONDS: '1' };
const PRODUCTS = 4;
const STOCK = 40;
const ORDERS = 12;

interface ItemDoc {
  productId: string;
  quantity: number;
}
interface State {
  stock: Map<string, number>;
  holds: number;
  orders: Array<StoredDoc & { items: ItemDoc[]; number: string }>;
  intents: Array<StoredDoc & { state: string }>;
}

async function withServices<T>(
  env: Record<string, string>,
  fn: (services: Services, store: DocumentStore) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...BASE, ...env });
  const logger = createLogger('silent');
  const backends = await createBackends(config, logger);
  try {
    const services = createServices(backends, logger);
    await ensureIndexes(services);
    return await fn(services, backends.documents);
  } finally {
    await backends.close();
  }
}

function read(env: Record<string, string>): Promise<State> {
  return withServices(env, async (_, store) => {
    const products = await store
      .collection<StoredDoc & { stock: number; holds?: unknown[] }>('products')
      .find({});
    return {
      stock: new Map(products.map((p) => [p._id, p.stock])),
      holds: products.reduce((n, p) => n + (p.holds?.length ?? 0), 0),
      orders: await store.collection<State['orders'][number]>('orders').find({}),
      intents: await store.collection<State['intents'][number]>('order_intents').find({}),
    };
  });
}

/** Per product, units in stored orders. */
function ordered(orders: State['orders']): Map<string, number> {
  const units = new Map<string, number>();
  for (const o of orders)
    for (const i of o.items) units.set(i.productId, (units.get(i.productId) ?? 0) + i.quantity);
  return units;
}

async function startGateway(
  env: Record<string, string>,
): Promise<{ proc: NodeProcess; base: string; token: string }> {
  const proc = runEntry('src/main.ts', { ...BASE, PORT: '0', ...env });
  const line = await proc.waitFor(/"url":"http:\/\/127\.0\.0\.1:\d+\/graphql"/, 60_000);
  const base = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0] ?? '';
  const registered = await postGraphql<{ register: { token: string } }>(
    base,
    `mutation { register(input: { email: "${uniqueName('u')}@example.test", password: "correct horse battery" }) { token } }`,
  );
  const token = registered.data?.register.token;
  if (token === undefined) throw new Error(`register failed: ${JSON.stringify(registered.errors)}`);
  return { proc, base, token };
}

interface Seeded {
  customerId: string;
  productIds: string[];
}

/** Orders of 2 or 3 items over the products in turn; the answered ones' ids. */
async function placeOrders(base: string, token: string, seeded: Seeded): Promise<string[]> {
  const one = async (n: number): Promise<string | null> => {
    const items = Array.from({ length: 2 + (n % 2) }, (_, k) => ({
      productId: seeded.productIds[(n + k) % PRODUCTS] ?? '',
      quantity: 1 + ((n + k) % 3),
    }));
    const query = `mutation { placeOrder(input: { customerId: "${seeded.customerId}", items: [${items
      .map((i) => `{ productId: "${i.productId}", quantity: ${i.quantity} }`)
      .join(', ')}] }) { id number } }`;
    try {
      const result = await postGraphql<{ placeOrder: { id: string } }>(base, query, token);
      return result.data?.placeOrder.id ?? null;
    } catch {
      return null; // the process died with the request in flight
    }
  };
  const ids = await Promise.all(Array.from({ length: ORDERS }, (_, n) => one(n)));
  return ids.filter((id): id is string => id !== null);
}

/** Stock + ordered units per product, through the API of a running gateway. */
async function conservedThroughApi(
  base: string,
  token: string,
  seeded: Seeded,
): Promise<{ ok: boolean; orderIds: string[] }> {
  const result = await postGraphql<{
    orders: {
      totalCount: number;
      edges: Array<{
        node: {
          id: string;
          number: string;
          items: Array<{ quantity: number; product: { id: string } | null }>;
        };
      }>;
    };
  }>(
    base,
    'query { orders(first: 100) { totalCount edges { node { id number items { quantity product { id } } } } } }',
    token,
  );
  const edges = result.data?.orders.edges ?? [];
  const units = new Map<string, number>();
  for (const { node } of edges) {
    expect(node.number).toMatch(/^ORD-\d{6}$/);
    for (const item of node.items)
      units.set(item.product?.id ?? '', (units.get(item.product?.id ?? '') ?? 0) + item.quantity);
  }
  let ok = true;
  for (const id of seeded.productIds) {
    const product = await postGraphql<{ product: { stock: number } }>(
      base,
      `query { product(id: "${id}") { stock } }`,
      token,
    );
    if ((product.data?.product.stock ?? -1) + (units.get(id) ?? 0) !== STOCK) ok = false;
  }
  return { ok, orderIds: edges.map((e) => e.node.id) };
}

export function orderCrashSuite(
  name: 'embedded' | 'mongodb',
  makeEnv: () => Promise<Record<string, string>>,
): void {
  /** Each order step, and for two of them a sweeper that dies too before a third instance finishes. */
  const scenarios: Array<[CrashStep, CrashStep | null]> = [
    ['order-after-intent', null],
    ['order-after-first-reserve', 'sweep-after-claim'],
    ['order-after-reserve', 'withdraw-after-release'],
    ['order-after-confirm', null],
    ['order-after-insert', null],
    ['order-after-settle', null],
  ];

  describe(`placeOrder crash window (${name}, SIGKILL)`, () => {
    it.each(scenarios)(
      'conserves stock when the process dies at %s (then the sweeper at %s)',
      async (step, sweepStep) => {
        const env = await makeEnv();
        const seeded = await withServices(env, async (services) => {
          const customer = await services.customers.create({
            lastName: 'C',
            firstName: 'C',
            email: `${uniqueName('c')}@example.test`,
          });
          const productIds: string[] = [];
          for (let p = 0; p < PRODUCTS; p++)
            productIds.push(
              (await services.products.create({ name: `P${p}`, price: 1.5 + p, stock: STOCK })).id,
            );
          return { customerId: customer.id, productIds };
        });

        const first = await startGateway({ ...env, DOCGATE_CRASH_AT: step });
        const answered = await placeOrders(first.base, first.token, seeded);
        await first.proc.exited;
        expect(first.proc.child.signalCode, first.proc.output()).toBe('SIGKILL');

        const atCrash = await read(env);
        // The crash left work behind: an intent, or holds without one.
        expect(atCrash.intents.length + atCrash.holds).toBeGreaterThan(0);
        const storedAtCrash = new Set(atCrash.orders.map((o) => o._id));
        for (const id of answered) expect(storedAtCrash.has(id)).toBe(true);
        const confirmed = atCrash.intents.filter((i) => i.state === 'placed').map((i) => i._id);
        const withdrawn = atCrash.intents.filter((i) => i.state !== 'placed').map((i) => i._id);

        if (sweepStep !== null) {
          // It sweeps at start, so it may die before it listens.
          const sweeper = runEntry('src/main.ts', {
            ...BASE,
            PORT: '0',
            ...env,
            ...FAST_SWEEP,
            DOCGATE_CRASH_AT: sweepStep,
          });
          await sweeper.exited;
          expect(sweeper.child.signalCode, sweeper.output()).toBe('SIGKILL');
        }

        const last = await startGateway({ ...env, ...FAST_SWEEP });
        let seen: { ok: boolean; orderIds: string[] } = { ok: false, orderIds: [] };
        try {
          for (let attempt = 0; attempt < 100 && !seen.ok; attempt++) {
            seen = await conservedThroughApi(last.base, last.token, seeded);
            // Never a withdrawn order, at any moment.
            for (const id of withdrawn) expect(seen.orderIds).not.toContain(id);
            if (!seen.ok) await sleep(300);
          }
        } finally {
          await last.proc.stop();
        }
        expect(seen.ok, last.proc.output()).toBe(true);
        expect(new Set(seen.orderIds)).toEqual(new Set([...storedAtCrash, ...confirmed]));

        const after = await read(env);
        expect(after.intents).toEqual([]);
        expect(after.holds).toBe(0);
        const units = ordered(after.orders);
        for (const id of seeded.productIds)
          expect((after.stock.get(id) ?? 0) + (units.get(id) ?? 0)).toBe(STOCK);
        expect(new Set(after.orders.map((o) => o.number)).size).toBe(after.orders.length);
      },
      180_000,
    );
  });
}
