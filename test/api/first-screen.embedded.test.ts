import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { graphiqlTabs } from '../../src/graphiql/tabs.js';
import { createLogger } from '../../src/logger.js';
import { schema } from '../../src/schema/index.js';
import { DEMO_ACCOUNT } from '../../src/seed/first-screen.js';
import { startServer } from '../../src/server.js';

/** `npm start` on a fresh clone: embedded, in memory here, with its log lines kept. */
async function start(env: Record<string, string>) {
  const lines: string[] = [];
  const server = await startServer(
    loadConfig({ PORT: '0', DATA_DIR: ':memory:', ...env }),
    createLogger('info', { write: (line) => lines.push(line) }),
  );
  return { server, lines };
}

const login = async (url: string) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { role } } }',
      variables: { e: DEMO_ACCOUNT.email, p: DEMO_ACCOUNT.password },
    }),
  });
  return (await response.json()) as { data?: { login: { user: { role: string } } }; errors?: unknown[] };
};

describe('the first screen', () => {
  it('in development on the embedded default: a demo account, printed in one log line, in GraphiQL', async () => {
    const { server, lines } = await start({});
    try {
      const printed = lines.filter(
        (l) => l.includes(DEMO_ACCOUNT.email) && l.includes(DEMO_ACCOUNT.password),
      );
      expect(printed).toHaveLength(1);
      expect((await login(server.url)).data?.login.user.role).toBe('USER');
      const page = await (await fetch(server.url, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain(DEMO_ACCOUNT.email);
      expect(page).toContain('docgate:graphiql:session');
    } finally {
      await server.close();
    }
  });

  it('in production: no demo account and no GraphiQL', async () => {
    const { server, lines } = await start({ NODE_ENV: 'production' });
    try {
      expect(lines.join('\n')).not.toContain(DEMO_ACCOUNT.password);
      expect((await login(server.url)).errors).toHaveLength(1);
      const page = await (await fetch(server.url, { headers: { accept: 'text/html' } })).text();
      expect(page).not.toContain('docgate:graphiql:session');
    } finally {
      await server.close();
    }
  });

  it('offers tabs that are valid operations, with or without a demo account and data', () => {
    for (const facts of [
      { demoAccount: DEMO_ACCOUNT, productIds: ['a', 'b'], customerId: 'c' },
      { demoAccount: null, productIds: [], customerId: null },
    ]) {
      for (const tab of graphiqlTabs(facts)) {
        expect(validate(schema, parse(tab.query ?? ''))).toEqual([]);
      }
    }
  });
});
