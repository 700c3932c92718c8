/**
 * Scenario: event cursors. Resume cost (from `leaderboardUpdated(after)` to caught up) for 100
 * and 10,000 missed events, embedded and on Redis, against a live-only subscription's setup on
 * the same backend; and the memory one retained event takes in a Redis stream.
 *
 *   tsx bench/event-cursors.ts [--rounds 3] [--retained 10000]
 */
import { performance } from 'node:perf_hooks';
import { MemoryEventLog } from '../src/datasources/memory/event-log.js';
import { MemoryLeaderboards } from '../src/datasources/memory/leaderboards.js';
import { MemoryPubSub } from '../src/datasources/memory/pubsub.js';
import type { EventLog } from '../src/datasources/ports/event-log.js';
import type { Leaderboards } from '../src/datasources/ports/leaderboards.js';
import type { PubSub } from '../src/datasources/ports/pubsub.js';
import { closeRedis, createRedis, type RedisClient } from '../src/datasources/redis/client.js';
import { RedisEventLog } from '../src/datasources/redis/event-log.js';
import { eventKeys } from '../src/datasources/redis/event-lua.js';
import { RedisLeaderboards } from '../src/datasources/redis/leaderboards.js';
import { RedisPubSub } from '../src/datasources/redis/pubsub.js';
import { createLogger } from '../src/logger.js';
import { encodeCursor } from '../src/services/cursors.js';
import { LeaderboardService } from '../src/services/leaderboards.js';
import { startBackends } from './lib/backends.js';
import { LOAD_DEFAULTS, parseFlags } from './lib/flags.js';
import { newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { median, round } from './lib/stats.js';

export const DEFAULTS = { ...LOAD_DEFAULTS, rounds: 3, retained: 10_000 };
const OPTIONS = { retentionSeconds: 3600, maxLength: 100_000 };

interface Stack {
  name: string;
  boards: Leaderboards;
  events: EventLog;
  pubsub: PubSub;
  close(): Promise<void>;
}

/** Milliseconds from subscribing with the cursor before `missed` events to having read them all. */
async function resumeMs(stack: Stack, missed: number, round: number): Promise<number> {
  const service = new LeaderboardService(stack.boards, stack.pubsub, stack.events);
  const board = `resume-${missed}-${round}`;
  await stack.boards.submit(board, 'start', 0);
  const start = await stack.events.last('leaderboardUpdated', board);
  if (start === null) throw new Error('no event logged');
  for (let i = 0; i < missed; i++) await stack.boards.submit(board, `p${i % 100}`, i);
  const began = performance.now();
  const stream = await service.updates(board, encodeCursor('leaderboardUpdated', board, start.id));
  for (let n = 0; n < missed; n++) if ((await stream.next()).done === true) throw new Error('ended early');
  const took = performance.now() - began;
  await stream.return();
  return took;
}

/** Milliseconds to set up a live-only subscription: the floor a resume adds its replay to. */
async function liveSetupMs(stack: Stack, round: number): Promise<number> {
  const service = new LeaderboardService(stack.boards, stack.pubsub, stack.events);
  const began = performance.now();
  const stream = await service.updates(`live-${round}`);
  const took = performance.now() - began;
  await stream.return();
  return took;
}

async function memoryPerEvent(redis: RedisClient, prefix: string, boards: Leaderboards, n: number) {
  const board = 'memory';
  for (let i = 0; i < n; i++) await boards.submit(board, `player-${i % 1000}`, i * 1.5);
  const { stream } = eventKeys(redis, prefix, 'leaderboardUpdated', board);
  const bytes = Number(await redis.call('MEMORY', 'USAGE', stream, 'SAMPLES', '0'));
  return { bytes, perEvent: bytes / n };
}

export async function eventCursors(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const backends = await startBackends({ redis: true });
  const redis = createRedis(backends.redisUrl);
  const prefix = 'bench-cursors:';
  const memoryPubSub = new MemoryPubSub();
  const memoryLog = new MemoryEventLog(OPTIONS, memoryPubSub);
  const redisLog = new RedisEventLog(redis, prefix, OPTIONS);
  const redisPubSub = new RedisPubSub(backends.redisUrl, prefix, createLogger('silent'));
  // subscribe() refuses until the subscriber connection is up.
  for (;;) {
    const probe = await redisPubSub.subscribe('leaderboardUpdated', 'ready').catch(() => null);
    if (probe !== null) {
      await probe.return();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stacks: Stack[] = [
    {
      name: 'embedded',
      boards: new MemoryLeaderboards(memoryLog),
      events: memoryLog,
      pubsub: memoryPubSub,
      close: () => memoryPubSub.close(),
    },
    {
      name: 'Redis',
      boards: new RedisLeaderboards(redis, prefix, redisLog),
      events: redisLog,
      pubsub: redisPubSub,
      close: () => redisPubSub.close(),
    },
  ];
  try {
    const rows = [];
    for (const stack of stacks) {
      const live: number[] = [];
      const by = new Map<number, number[]>([
        [100, []],
        [10_000, []],
      ]);
      for (let r = 0; r < flags.rounds; r++) {
        live.push(await liveSetupMs(stack, r));
        for (const [missed, times] of by) times.push(await resumeMs(stack, missed, r));
      }
      const liveMs = median(live);
      for (const [missed, times] of by) {
        const ms = median(times);
        rows.push({
          backend: stack.name,
          missed,
          'resume ms (median)': round(ms, 2),
          'µs per event': round((ms * 1000) / missed, 1),
          'x live-only setup': round(ms / liveMs, 1),
          'live-only setup ms': round(liveMs, 2),
        });
      }
    }
    const onRedis = stacks.find((s) => s.name === 'Redis');
    if (onRedis === undefined) throw new Error('no Redis stack');
    const memory = await memoryPerEvent(redis, prefix, onRedis.boards, flags.retained);
    return {
      ...newResult('event-cursors', 'Event cursors: resume cost and retained memory', { ...flags }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [
        {
          goal: 'memory per retained leaderboard event in Redis (documented in README)',
          measured: `${round(memory.perEvent, 1)} bytes (${memory.bytes} bytes for ${flags.retained} events, MEMORY USAGE SAMPLES 0)`,
          met: null,
        },
      ],
      notes: [
        'Resume: from calling updates(board, after) to having read every missed event; replay reads 100 per round trip.',
        'In process (no GraphQL, no socket): the cost the log and replay add, not a client round trip.',
      ],
      details: { memory },
    };
  } finally {
    for (const stack of stacks) await stack.close();
    await closeRedis(redis);
    await backends.stop();
  }
}

runWhenMain(import.meta.url, eventCursors);
