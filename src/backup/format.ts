import { z } from 'zod';

/** What a backup directory holds, written last so that an interrupted backup has none. */
export const manifestSchema = z.object({
  format: z.literal('docgate-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  source: z.object({ documents: z.string(), redis: z.boolean() }),
  /** One Extended-JSON-lines file per collection, under `documents/`. */
  collections: z.array(
    z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]{1,120}$/), count: z.number().int().min(0) }),
  ),
  /** One Extended-JSON-lines file per state section (leaderboards, counters), under `state/`. */
  state: z.array(z.object({ name: z.string().regex(/^[a-z-]{1,40}$/), count: z.number().int().min(0) })),
});

export type Manifest = z.infer<typeof manifestSchema>;

/**
 * State kept outside the document store that a backup must carry (Redis sorted sets and counters
 * on the Redis backend; their in-process twins on the embedded one). Caches and sessions are not.
 */
export interface StateSection {
  name: string;
  /** Every record, streamed. */
  dump(): AsyncIterable<unknown>;
  /** Restores records previously dumped; returns how many. */
  restore(records: AsyncIterable<unknown>): Promise<number>;
  isEmpty(): Promise<boolean>;
  clear(): Promise<void>;
}
