import { GraphQLInt, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { createLoaders } from '../../src/loaders.js';
import { useSharedSubscriptions } from '../../src/plugins/use-shared-subscriptions.js';
import { makeApp, type TestApp } from '../helpers/app.js';

/** A subscription of three events whose field reports which loaders object resolved it. */
function schemaReportingLoaders(): GraphQLSchema {
  const seen = new WeakMap<object, number>();
  let distinct = 0;
  const loadersId = (ctx: Context): number => {
    const known = seen.get(ctx.loaders) ?? ++distinct;
    seen.set(ctx.loaders, known);
    return known;
  };
  const query = new GraphQLObjectType({
    name: 'Query',
    fields: { ok: { type: GraphQLInt, resolve: () => 1 } },
  });
  const subscription = new GraphQLObjectType<unknown, Context>({
    name: 'Subscription',
    fields: {
      loaders: {
        type: GraphQLInt,
        subscribe: async function* () {
          yield 1;
          yield 2;
          yield 3;
        },
        resolve: (_event, _args, ctx) => loadersId(ctx),
      },
    },
  });
  return new GraphQLSchema({ query, subscription });
}

async function loaderIdsPerEvent(t: TestApp, fresh: boolean): Promise<number[]> {
  const yoga = createYoga<Record<string, never>, Context>({
    schema: schemaReportingLoaders(),
    plugins: fresh ? [useSharedSubscriptions({ maskError: (error) => error as Error })] : [],
    context: () => ({
      services: t.services,
      loaders: createLoaders(t.services),
      caller: null,
      rateLimit: null,
      clientAddress: 'unknown',
    }),
  });
  const response = await yoga.fetch('http://docgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: 'subscription { loaders }' }),
  });
  const text = await response.text();
  return [...text.matchAll(/"loaders":(\d+)/g)].map((m) => Number(m[1]));
}

describe('a fresh context per subscription event (Pothos #1421)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded');
  });
  afterAll(async () => {
    await t.close();
  });

  it('resolves every event with loaders of its own', async () => {
    const ids = await loaderIdsPerEvent(t, true);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  });

  it('shares one context across events without it (the bug the plugin avoids)', async () => {
    const ids = await loaderIdsPerEvent(t, false);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });
});
