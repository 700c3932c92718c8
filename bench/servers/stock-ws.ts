/**
 * The fan-out peer: a minimal server of stock graphql-ws + graphql-redis-subscriptions, with the
 * same LeaderboardChange type, events from Redis channel `leaderboardUpdated:<board>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, type GraphQLFieldResolver, type GraphQLObjectType } from 'graphql';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { serveParent } from '../lib/ipc.js';
import { memoryAfterGc, optionsFromEnv } from './common.js';

const { redisUrl } = optionsFromEnv<{ redisUrl: string }>();
const schema = buildSchema(`
  type LeaderboardChange { board: String! player: String! score: Float! rank: Int! previousRank: Int }
  type Query { ok: Boolean }
  type Subscription { leaderboardUpdated(board: String!): LeaderboardChange! }
`);
// Its own ioredis connections, from the URL (the stock setup).
const pubsub = new RedisPubSub({ connection: redisUrl });
const subscription = schema.getSubscriptionType() as GraphQLObjectType;
const field = subscription.getFields().leaderboardUpdated;
if (field === undefined) throw new Error('schema without leaderboardUpdated');
const subscribe: GraphQLFieldResolver<unknown, unknown, { board: string }> = (_root, { board }) =>
  pubsub.asyncIterator(`leaderboardUpdated:${board}`);
field.subscribe = subscribe;

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: '/graphql' });
const cleanup = useServer({ schema }, wss);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
serveParent(
  {
    memory: memoryAfterGc,
  },
  { url: `ws://127.0.0.1:${port}/graphql`, authorization: '', customerIds: [], productIds: [] },
  async () => {
    await cleanup.dispose();
    await pubsub.close();
    server.close();
  },
);
