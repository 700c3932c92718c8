import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/context.js';
import { audienceKey } from '../../src/plugins/use-shared-subscriptions.js';

const Change = new GraphQLObjectType({
  name: 'Change',
  fields: {
    plain: { type: GraphQLString },
    mine: { type: GraphQLString, extensions: { callerDependent: true } },
  },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      shared: { type: Change, args: { key: { type: GraphQLString } }, extensions: { sharedAudience: true } },
      own: { type: Change },
    },
  }),
});

function caller(accountId: string, role: Caller['role']): Caller {
  const at = new Date();
  return {
    accountId,
    role,
    sessionId: `s-${accountId}`,
    session: { accountId, role, createdAt: at, lastActivityAt: at, expiresAt: at },
  };
}

const key = (query: string, who: Caller | null, variableValues: Record<string, unknown> = {}) =>
  audienceKey({ schema, document: parse(query), variableValues }, who);

describe('who shares an audience', () => {
  const plain = 'subscription($key: String) { shared(key: $key) { plain } }';
  const mine = 'subscription { shared { plain mine } }';
  const ana = caller('a', 'USER');
  const bob = caller('b', 'USER');
  const admin = caller('c', 'ADMIN');

  it('subscribers of the same document, variables and role, whoever they are', () => {
    expect(key(plain, ana, { key: 'x' })).toBe(key(plain, bob, { key: 'x' }));
    expect(key(plain, null)).toBe(key(plain, null));
  });

  it('never across roles, anonymous included, or across variables', () => {
    const keys = [key(plain, ana), key(plain, admin), key(plain, null), key(plain, ana, { key: 'y' })];
    expect(new Set(keys).size).toBe(4);
  });

  it('the account too where a selected field depends on the caller', () => {
    expect(key(mine, ana)).not.toBe(key(mine, bob));
    expect(key(mine, ana)).toBe(key(mine, ana));
    // Selected through a fragment, it counts all the same.
    const viaFragment = 'subscription { shared { ...F } } fragment F on Change { mine }';
    expect(key(viaFragment, ana)).not.toBe(key(viaFragment, bob));
  });

  it('nobody for a root field that does not opt in: an audience of one', () => {
    expect(key('subscription { own { plain } }', ana)).toBeNull();
  });
});
