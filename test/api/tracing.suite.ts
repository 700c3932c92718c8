import { SpanKind, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CreateCustomerDocument,
  CreateProductDocument,
  CustomerOrdersDocument,
  PlaceOrderDocument,
} from '../generated/operations.js';
import { type BackendName, type MakeAppOptions, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

function recorder() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
}

/** A customer with one order of one product; returns the customer's id and a USER's headers. */
async function customerWithOrder(t: TestApp): Promise<{ id: string; user: Record<string, string> }> {
  const admin = await t.signIn('ADMIN');
  const name = uniqueName('Traced');
  const customer = await t.run(
    CreateCustomerDocument,
    { input: { lastName: name, firstName: 'Tess', email: `${name}@example.com` } },
    admin,
  );
  const product = await t.run(CreateProductDocument, { input: { name, price: 3, stock: 5 } }, admin);
  const id = customer.data?.createCustomer.id ?? '';
  const productId = product.data?.createProduct.id ?? '';
  const order = await t.run(
    PlaceOrderDocument,
    { input: { customerId: id, items: [{ productId, quantity: 1 }] } },
    admin,
  );
  expect(order.errors).toBeUndefined();
  return { id, user: await t.signIn('USER') };
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const dbSpans = (spans: readonly ReadableSpan[], system: string) =>
  spans.filter((s) => s.attributes['db.system'] === system);

/**
 * Tracing through the app on one backend: a request's span, its GraphQL phases, and on MongoDB +
 * Redis a span for each backend call, parented in the request's trace; with tracing off, no span
 * and no wrapper or listener on the drivers.
 */
export function tracingSuite(backend: BackendName): void {
  describe(`tracing (${backend})`, () => {
    const opened: TestApp[] = [];
    const open = async (options: MakeAppOptions) => {
      const t = await makeApp(backend, {}, options);
      opened.push(t);
      return t;
    };
    afterEach(async () => {
      vi.restoreAllMocks();
      await Promise.all(opened.splice(0).map((t) => t.close()));
    });

    it('spans a customer-with-orders query: request, parse, validate, execute, then each backend call', async () => {
      const sendCommand = vi.spyOn(Redis.prototype, 'sendCommand');
      const on = vi.spyOn(MongoClient.prototype, 'on');
      const { exporter, provider } = recorder();
      try {
        const t = await open({ tracer: provider.getTracer('docgate-test') });
        const { id, user } = await customerWithOrder(t);
        exporter.reset();
        const result = await t.run(CustomerOrdersDocument, { id, first: 5 }, user);
        expect(result.data?.customer?.orders.totalCount).toBe(1);
        const spans = exporter.getFinishedSpans();
        const named = (name: string) => spans.filter((s) => s.name === name);
        const [request] = named('POST /graphql');
        expect(named('POST /graphql')).toHaveLength(1);
        expect(request?.kind).toBe(SpanKind.SERVER);
        expect(parentOf(request as ReadableSpan)).toBeUndefined();
        const requestId = request?.spanContext().spanId;
        const traceId = request?.spanContext().traceId;
        for (const phase of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
          expect(named(phase)).toHaveLength(1);
          expect(named(phase).map(parentOf)).toEqual([requestId]);
        }
        const execute = named('graphql.execute')[0];
        expect(execute?.attributes).toEqual({
          'graphql.operation.type': 'query',
          'graphql.operation.name': 'CustomerOrders',
        });
        expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);
        const mongo = dbSpans(spans, 'mongodb');
        const redis = dbSpans(spans, 'redis');
        if (backend === 'embedded') {
          expect(spans).toHaveLength(4);
          expect([...mongo, ...redis]).toEqual([]);
          return;
        }
        // MongoDB: the resolvers' reads, children of execute, with the command's shape only.
        expect(mongo.length).toBeGreaterThan(0);
        expect(new Set(mongo.map(parentOf))).toEqual(new Set([execute?.spanContext().spanId]));
        expect(mongo.map((s) => s.attributes['db.operation'])).toContain('find');
        expect(mongo.every((s) => s.kind === SpanKind.CLIENT)).toBe(true);
        for (const s of mongo) expect(String(s.attributes['db.statement'])).not.toContain(id);
        // Redis: the session check and the limiter before parsing (children of the request),
        // the shared cache's calls inside execute.
        const redisParents = new Set(redis.map(parentOf));
        expect(redisParents.has(requestId)).toBe(true);
        expect(redisParents.has(execute?.spanContext().spanId)).toBe(true);
        expect(redisParents.size).toBe(2);
        for (const s of redis) expect(String(s.attributes['db.statement'])).toMatch(/^[A-Z]+( \?)*$/);
        // The wrapper is on the family's command connection; the listener on the MongoDB client.
        expect(sendCommand.mock.contexts.some((c) => Object.hasOwn(c as object, 'sendCommand'))).toBe(true);
        expect(on.mock.calls.map(([event]) => event)).toContain('commandStarted');
      } finally {
        await provider.shutdown();
      }
    });

    it('with tracing off, records no span and puts no wrapper or listener on the drivers', async () => {
      const sendCommand = vi.spyOn(Redis.prototype, 'sendCommand');
      const on = vi.spyOn(MongoClient.prototype, 'on');
      // Anything asking the global API for a tracer would record here.
      const { exporter, provider } = recorder();
      trace.setGlobalTracerProvider(provider);
      try {
        const t = await open({});
        const { id, user } = await customerWithOrder(t);
        const result = await t.run(CustomerOrdersDocument, { id, first: 5 }, user);
        expect(result.data?.customer?.orders.totalCount).toBe(1);
        expect(exporter.getFinishedSpans()).toEqual([]);
        expect(on.mock.calls.map(([event]) => event)).not.toContain('commandStarted');
        if (backend === 'embedded') {
          expect(sendCommand).not.toHaveBeenCalled();
          return;
        }
        // Commands went out through ioredis' own method on every connection: no wrapper.
        expect(sendCommand.mock.contexts.length).toBeGreaterThan(0);
        expect(sendCommand.mock.contexts.some((c) => Object.hasOwn(c as object, 'sendCommand'))).toBe(false);
      } finally {
        trace.disable();
        await provider.shutdown();
      }
    });
  });
}
