import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { JobDocument, LoginDocument, RegisterDocument } from '../generated/operations.js';
import { makeApp, type TestApp } from '../helpers/app.js';

const SECRET = 'hunter2-Sup3rSecret';
/** Variables of any shape: these tests send what the operation's types do not allow. */
const loose = <R>(doc: TypedDocumentNode<R, never>) => doc as TypedDocumentNode<R, Record<string, unknown>>;

interface LogLine {
  level: number;
  msg: string;
}

describe('error messages and logs carry no input values (embedded, production)', () => {
  let t: TestApp;
  const lines: string[] = [];
  const logged = (): LogLine[] => lines.map((l) => JSON.parse(l) as LogLine);
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    t = await makeApp('embedded', { NODE_ENV: 'production' }, { logger: createLogger('trace', sink) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('names the unknown field of a variable, not its value nor a suggestion', async () => {
    const input = { email: 'ada@example.test', password: SECRET, passwordConfirm: SECRET };
    const result = await t.run(loose(RegisterDocument), { input });
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors ?? [];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain('passwordConfirm');
    expect(error?.message).toContain('RegisterInput');
    expect(error?.message).not.toContain(SECRET);
    expect(error?.message).not.toContain('ada@example.test');
    expect(error?.message).not.toMatch(/did you mean/i);
    expect(error?.extensions?.field).toBe('input.passwordConfirm');
  });

  it('names the variable and the expected type of a value of the wrong type, not the value', async () => {
    const password = await t.run(loose(LoginDocument), { email: 'a@example.test', password: 987654321 });
    expect(password.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(password.errors?.[0]?.message).toContain('$password');
    expect(password.errors?.[0]?.message).not.toContain('987654321');
    const id = await t.run(loose(JobDocument), { id: { secret: SECRET } }, await t.signIn());
    expect(id.errors?.[0]?.message).toContain('$id');
    expect(id.errors?.[0]?.message).not.toContain(SECRET);
  });

  it('keeps a literal value of the query out of its validation error', async () => {
    const doc = parse(`mutation { login(email: "a@example.test", password: 123456789) { token } }`);
    const result = await t.run(loose(doc as TypedDocumentNode<unknown, never>), {});
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(result.errors)).not.toContain('123456789');
  });

  it('logs no password, token or email, and expected client errors below error level', async () => {
    lines.length = 0;
    await t.run(loose(RegisterDocument), {
      input: { email: 'bob@example.test', password: SECRET, extra: SECRET },
    });
    await t.run(LoginDocument, { email: 'bob@example.test', password: SECRET });
    await t.run(
      LoginDocument,
      { email: 'bob@example.test', password: SECRET },
      { authorization: `Bearer ${'A'.repeat(43)}` },
    );
    const text = lines.join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('bob@example.test');
    expect(text).not.toContain('A'.repeat(43));
    expect(logged().filter((line) => line.level >= 50)).toEqual([]);
    // They are still logged, below error level.
    expect(logged().some((line) => line.msg === 'client error')).toBe(true);
  });
});
