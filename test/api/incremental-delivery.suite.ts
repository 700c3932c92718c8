import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { uniqueName } from '../helpers/names.js';
import { deployment, embedded, signIn, sseRequest, startInstance } from '../helpers/realtime.js';
import { keptClient } from '../helpers/ws-operations.js';

export type IncrementalBackend = 'embedded' | 'mongodb';

/** One payload of an incremental response: the initial result, then `incremental` parts. */
interface Payload {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
  hasNext?: boolean;
  incremental?: Array<{ data?: Record<string, unknown>; items?: unknown[]; path: unknown[]; label?: string }>;
}

const DEFERRED_ORDERS = `query DeferredOrders($id: ID!) {
  customer(id: $id) {
    lastName
    ... @defer(label: "orders") { orders(first: 10) { edges { node { id } } } }
  }
}`;

const STREAMED_CUSTOMERS = `query StreamedCustomers($city: String!) {
  customers(first: 10, filter: { city: $city }, orderBy: [{ field: LAST_NAME }]) {
    edges @stream(initialCount: 1) { node { lastName } }
  }
}`;

/** The parts of a `multipart/mixed` body (boundary `-`, as Yoga writes it). */
function multipartPayloads(contentType: string, text: string): Payload[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (boundary === undefined) throw new Error(`no boundary in ${contentType}`);
  return text
    .split(`\r\n--${boundary}`)
    .map((part) => {
      const start = part.indexOf('\r\n\r\n');
      return start === -1 ? '' : part.slice(start + 4).trim();
    })
    .filter((json) => json.startsWith('{'))
    .map((json) => JSON.parse(json) as Payload);
}

type Transport = (query: string, variables: Record<string, unknown>) => Promise<Payload[]>;

/** `@defer` and `@stream` as incremental delivery, on multipart/mixed, SSE and WebSocket. */
export function incrementalDeliverySuite(backend: IncrementalBackend): void {
  describe(`@defer and @stream (${backend})`, () => {
    let server: RunningServer;
    let authorization: string;
    let customerId: string;
    let orderIds: string[];
    const city = uniqueName('City');
    beforeAll(async () => {
      server = await startInstance(backend === 'embedded' ? embedded() : deployment());
      authorization = await signIn(server);
      const { services } = server;
      const customers = [];
      for (const lastName of ['Ader', 'Baron', 'Colin'])
        customers.push(
          await services.customers.create({
            lastName,
            firstName: 'A',
            email: `${uniqueName(lastName)}@example.com`,
            addresses: [{ city }],
          }),
        );
      customerId = customers[0]?.id ?? '';
      const product = await services.products.create({ name: uniqueName('P'), price: 3, stock: 10 });
      orderIds = [];
      for (let i = 0; i < 2; i++) {
        const order = await services.orders.place({
          customerId,
          items: [{ productId: product.id, quantity: 1 }],
        });
        orderIds.push(order.id);
      }
    });
    afterAll(async () => {
      await server?.close();
    });

    const multipart: Transport = async (query, variables) => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed', authorization },
        body: JSON.stringify({ query, variables }),
      });
      const type = response.headers.get('content-type') ?? '';
      expect(type).toMatch(/^multipart\/mixed/);
      return multipartPayloads(type, await response.text());
    };
    const sse: Transport = async (query, variables) => {
      const stream = await sseRequest<Record<string, unknown>>(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization },
        body: JSON.stringify({ query, variables }),
      });
      const payloads: Payload[] = [];
      for await (const payload of stream) payloads.push(payload as Payload);
      return payloads;
    };
    const websocket: Transport = async (query, variables) => {
      const client = keptClient(server, authorization);
      try {
        const payloads: Payload[] = [];
        for await (const payload of client.iterate({ query, variables })) payloads.push(payload as Payload);
        return payloads;
      } finally {
        await client.dispose();
      }
    };

    for (const [name, transport] of [
      ['multipart/mixed', () => multipart],
      ['SSE', () => sse],
      ['WebSocket', () => websocket],
    ] as const) {
      it(`defers Customer.orders to a later payload (${name})`, async () => {
        const payloads = await transport()(DEFERRED_ORDERS, { id: customerId });
        expect(payloads.length).toBeGreaterThanOrEqual(2);
        const [first, ...rest] = payloads;
        expect(first).toEqual({ data: { customer: { lastName: 'Ader' } }, hasNext: true });
        const parts = rest.flatMap((p) => p.incremental ?? []);
        expect(parts).toHaveLength(1);
        expect(parts[0]?.label).toBe('orders');
        expect(parts[0]?.path).toEqual(['customer']);
        const orders = parts[0]?.data?.orders as { edges: Array<{ node: { id: string } }> } | undefined;
        const ids = (orders?.edges ?? []).map((e) => e.node.id);
        expect(ids.sort()).toEqual([...orderIds].sort());
        expect(payloads.at(-1)?.hasNext).toBe(false);
      });

      it(`streams a list item by item after the first (${name})`, async () => {
        const payloads = await transport()(STREAMED_CUSTOMERS, { city });
        const [first, ...rest] = payloads;
        expect(first).toEqual({
          data: { customers: { edges: [{ node: { lastName: 'Ader' } }] } },
          hasNext: true,
        });
        const items = rest.flatMap((p) => p.incremental ?? []).flatMap((part) => part.items ?? []);
        expect(items).toEqual([{ node: { lastName: 'Baron' } }, { node: { lastName: 'Colin' } }]);
        expect(payloads.at(-1)?.hasNext).toBe(false);
      });
    }

    it('answers 406 with BAD_USER_INPUT to a client that accepts only JSON, not a partial result', async () => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        body: JSON.stringify({ query: DEFERRED_ORDERS, variables: { id: customerId } }),
      });
      expect(response.status).toBe(406);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as {
        data?: unknown;
        errors?: Array<{ extensions?: { code?: string } }>;
      };
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    });
  });
}
