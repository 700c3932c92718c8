import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MemoryJobQueue } from './memory/jobs.js';
import { MemoryLeaderboards } from './memory/leaderboards.js';
import { MemoryPresence } from './memory/presence.js';
import { MemoryPubSub } from './memory/pubsub.js';
import type { JobQueue, JobQueueOptions } from './ports/jobs.js';
import type { Leaderboards } from './ports/leaderboards.js';
import type { PresenceStore } from './ports/presence.js';
import type { PubSub } from './ports/pubsub.js';
import { BullJobQueue } from './redis/jobs.js';
import { RedisLeaderboards } from './redis/leaderboards.js';
import { RedisPresence } from './redis/presence.js';
import { RedisPubSub } from './redis/pubsub.js';

/** The realtime backends: pub/sub, boards, the job queue and presence. */
export interface Realtime {
  pubsub: PubSub;
  leaderboards: Leaderboards;
  jobs: JobQueue;
  presence: PresenceStore;
  close(): Promise<void>;
}

/** Finished jobs (and their results) are kept 24 h. */
const KEEP_JOBS_SECONDS = 24 * 60 * 60;

function jobOptions(config: Config): JobQueueOptions {
  return { attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS, keepSeconds: KEEP_JOBS_SECONDS };
}

async function closeAll(realtime: Omit<Realtime, 'close'>): Promise<void> {
  await Promise.all([realtime.jobs.close(), realtime.presence.close()]);
  await Promise.all([realtime.pubsub.close(), realtime.leaderboards.close()]);
}

/** On Redis: pub/sub on two connections of its own, BullMQ on its own, the rest on the app's connection. */
export function redisRealtime(config: Config, url: string, redis: Redis, logger: Logger): Realtime {
  const prefix = config.REDIS_PREFIX;
  const parts = {
    pubsub: new RedisPubSub(url, prefix, logger),
    leaderboards: new RedisLeaderboards(redis, prefix),
    jobs: new BullJobQueue({ ...jobOptions(config), url, redis, prefix, lockMs: config.JOB_LOCK_MS }, logger),
    presence: new RedisPresence(redis, prefix, config.PRESENCE_TTL_SECONDS * 1000),
  };
  return { ...parts, close: () => closeAll(parts) };
}

/** The embedded default: everything in this process. */
export function inProcessRealtime(config: Config): Realtime {
  const parts = {
    pubsub: new MemoryPubSub(),
    leaderboards: new MemoryLeaderboards(),
    jobs: new MemoryJobQueue(jobOptions(config)),
    presence: new MemoryPresence(config.PRESENCE_TTL_SECONDS * 1000),
  };
  return { ...parts, close: () => closeAll(parts) };
}
