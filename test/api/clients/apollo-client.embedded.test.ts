import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition, relayStylePagination } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../../src/server.js';
import {
  CustomerFieldsFragmentDoc,
  CustomersDocument,
  LeaderboardUpdatedDocument,
  MeDocument,
  UpdateCustomerDocument,
} from '../../generated/operations.js';
import { makeApp } from '../../helpers/app.js';
import { embedded, scoreUntil, signIn, startInstance, wsUrl } from '../../helpers/realtime.js';

/** Apollo Client 4 with its defaults: HttpLink for queries and mutations, GraphQLWsLink for subscriptions. */
function apollo(server: RunningServer, authorization: string | null, codes: string[] = [], fetchFn = fetch) {
  const http = new HttpLink({
    uri: server.url,
    fetch: fetchFn,
    headers: authorization === null ? {} : { authorization },
  });
  const ws = new GraphQLWsLink(
    createClient({
      url: wsUrl(server),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: authorization === null ? {} : { authorization },
    }),
  );
  const errors = new ErrorLink(({ error }) => {
    if (CombinedGraphQLErrors.is(error)) codes.push(...error.errors.map((e) => String(e.extensions?.code)));
  });
  const transport = ApolloLink.split(
    ({ query }) => {
      const main = getMainDefinition(query);
      return main.kind === 'OperationDefinition' && main.operation === 'subscription';
    },
    ws,
    http,
  );
  return new ApolloClient({
    link: ApolloLink.from([errors, transport]),
    cache: new InMemoryCache({
      typePolicies: { Query: { fields: { customers: relayStylePagination(['filter', 'orderBy']) } } },
    }),
  });
}

describe('Apollo Client 4', () => {
  let server: RunningServer;
  let authorization: string;
  beforeAll(async () => {
    server = await startInstance(embedded());
    authorization = await signIn(server);
    for (const lastName of ['Ader', 'Baron', 'Colin', 'Dumas'])
      await server.services.customers.create({ lastName, firstName: 'A', email: `${lastName}@example.com` });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('pages customers into one normalised list, and a mutation updates it in the cache', async () => {
    const client = apollo(server, authorization);
    const variables = { first: 2, orderBy: [{ field: 'LAST_NAME' as const }] };
    const first = await client.query({ query: CustomersDocument, variables });
    expect(first.data?.customers.edges.map((e) => e.node.lastName)).toEqual(['Ader', 'Baron']);
    const watched = client.watchQuery({ query: CustomersDocument, variables });
    const subscription = watched.subscribe(() => undefined);
    await watched.fetchMore({ variables: { after: first.data?.customers.pageInfo.endCursor } });
    const merged = client.readQuery({ query: CustomersDocument, variables });
    expect(merged?.customers.edges.map((e) => e.node.lastName)).toEqual(['Ader', 'Baron', 'Colin', 'Dumas']);

    const colin = merged?.customers.edges[2]?.node.id ?? '';
    await client.mutate({
      mutation: UpdateCustomerDocument,
      variables: { id: colin, input: { lastName: 'Collin' } },
    });
    const cached = client.readFragment({
      id: client.cache.identify({ __typename: 'Customer', id: colin }),
      fragment: CustomerFieldsFragmentDoc,
    });
    expect(cached?.lastName).toBe('Collin');
    expect(client.readQuery({ query: CustomersDocument, variables })?.customers.edges[2]?.node.lastName).toBe(
      'Collin',
    );
    subscription.unsubscribe();
    client.stop();
  });

  it('receives a subscription over GraphQLWsLink', async () => {
    const client = apollo(server, authorization);
    const events: string[] = [];
    const subscription = client
      .subscribe({ query: LeaderboardUpdatedDocument, variables: { board: 'apollo' } })
      .subscribe((result) => {
        if (result.data) events.push(result.data.leaderboardUpdated.player);
      });
    await scoreUntil(server, 'apollo', 'ana', () => events.includes('ana'));
    subscription.unsubscribe();
    client.stop();
  });

  it('lets the error link read UNAUTHENTICATED from a 401', async () => {
    const codes: string[] = [];
    const client = apollo(server, `Bearer ${'x'.repeat(43)}`, codes);
    await expect(client.query({ query: MeDocument })).rejects.toThrow();
    expect(codes).toEqual(['UNAUTHENTICATED']);
    client.stop();
  });

  it('lets the error link read RATE_LIMITED from a 429', async () => {
    const limited = await makeApp('embedded', { RATE_LIMIT_POINTS: '1' });
    const codes: string[] = [];
    const client = apollo(server, null, codes, async (url, init) =>
      limited.app.fetch(String(url), init ?? {}),
    );
    await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
    await expect(client.query({ query: MeDocument, fetchPolicy: 'network-only' })).rejects.toThrow();
    expect(codes).toEqual(['RATE_LIMITED']);
    client.stop();
    await limited.close();
  });
});
