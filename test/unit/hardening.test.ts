import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { MAX_BODY_BYTES, QUERY_LIMITS } from '../../src/plugins/use-hardening.js';
import { makeApp, type TestApp } from '../helpers/app.js';

describe('hardening', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: unknown, app = t.app) =>
    app.fetch('http://docgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const errorsOf = async (response: Response) =>
    ((await response.json()) as { errors?: Array<{ message: string }> }).errors ?? [];

  const nested = (depth: number): string =>
    depth === 0 ? 'id' : `orders { edges { node { customer { ${nested(depth - 1)} } } } }`;

  it('refuses a query deeper than the limit before running it', async () => {
    const errors = await errorsOf(await post({ query: `{ customer(id: "x") { ${nested(3)} } }` }));
    expect(errors.map((e) => e.message).join()).toMatch(/depth/i);
  });

  it('counts the depth inside a fragment named __schema (the introspection bypass)', async () => {
    const query = `{ customer(id: "x") { ...__schema } } fragment __schema on Customer { ${nested(3)} }`;
    const errors = await errorsOf(await post({ query }));
    expect(errors.map((e) => e.message).join()).toMatch(/depth/i);
  });

  it('refuses too many aliases and too many tokens', async () => {
    const aliases = Array.from({ length: QUERY_LIMITS.aliases + 1 }, (_, i) => `a${i}: __typename`).join(' ');
    expect((await errorsOf(await post({ query: `{ ${aliases} }` }))).map((e) => e.message).join()).toMatch(
      /alias/i,
    );
    const tokens = Array.from({ length: QUERY_LIMITS.tokens }, () => '__typename').join(' ');
    expect((await errorsOf(await post({ query: `{ ${tokens} }` }))).map((e) => e.message).join()).toMatch(
      /token/i,
    );
  });

  it('answers every query-limit refusal as a validation error: its code, and 400 to graphql-response+json', async () => {
    const aliases = Array.from({ length: QUERY_LIMITS.aliases + 1 }, (_, i) => `a${i}: __typename`).join(' ');
    // Armor weighs a list by its `first`: five pages of 100 cost 6,437.5 of 5,000.
    const costly = ['a', 'b', 'c', 'd', 'e']
      .map((alias) => `${alias}: customers(first: 100) { edges { node { id } } }`)
      .join(' ');
    const refused = {
      depth: `{ customer(id: "x") { ${nested(3)} } }`,
      aliases: `{ ${aliases} }`,
      directives: `{ __typename ${'@skip(if: false) '.repeat(QUERY_LIMITS.directives + 1)}}`,
      cost: `{ ${costly} }`,
    };
    for (const [limit, query] of Object.entries(refused)) {
      const response = await t.app.fetch('http://docgate.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      });
      expect(response.status, limit).toBe(400);
      const errors = (await response.json()) as {
        errors: Array<{ message: string; extensions?: { code?: string } }>;
      };
      const ours = errors.errors.find((e) => new RegExp(`${limit} limit`, 'i').test(e.message));
      expect(ours?.extensions?.code, `${limit}: ${JSON.stringify(errors)}`).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('hides field suggestions', async () => {
    const errors = await errorsOf(await post({ query: '{ customerz { totalCount } }' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).not.toMatch(/did you mean/i);
  });

  it('does not batch: an array of operations is refused', async () => {
    const response = await post([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await post({ query: `{ __typename } # ${'x'.repeat(MAX_BODY_BYTES)}` });
    expect(response.status).toBe(413);
  });

  it('answers introspection by default, and refuses it when turned off', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect(await errorsOf(await post({ query }))).toEqual([]);
    const closed = createApp({
      services: t.services,
      logger: createLogger('silent'),
      graphiql: false,
      introspection: false,
    });
    expect((await errorsOf(await post({ query }, closed))).length).toBeGreaterThan(0);
  });

  it('reports not ready while shutting down', async () => {
    const draining = createApp({
      services: t.services,
      logger: createLogger('silent'),
      graphiql: false,
      draining: () => true,
    });
    const response = await draining.fetch('http://docgate.test/ready');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, shuttingDown: true });
    expect((await t.app.fetch('http://docgate.test/ready')).status).toBe(200);
  });

  it('serves GraphiQL to a browser only when enabled', async () => {
    const html = { headers: { accept: 'text/html' } };
    const withGraphiql = createApp({ services: t.services, logger: createLogger('silent'), graphiql: true });
    const page = await withGraphiql.fetch('http://docgate.test/graphql', html);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/graphiql/i);
    const without = await t.app.fetch('http://docgate.test/graphql', html);
    expect(await without.text()).not.toMatch(/graphiql/i);
  });
});
