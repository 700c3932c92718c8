import { z } from 'zod';

const fileEntry = <N extends z.ZodString>(name: N) =>
  z.object({
    name,
    count: z.number().int().min(0),
    /** Since version 2: the file's size and SHA-256 (hex), checked before a restore writes anything. */
    bytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  });

const collectionName = z.string().regex(/^[A-Za-z0-9_.-]{1,120}$/);
const sectionName = z.string().regex(/^[a-z-]{1,40}$/);
const source = z.object({ documents: z.string(), redis: z.boolean() });

/** What a backup directory holds, written last so that an interrupted backup has none. */
export const manifestSchema = z.discriminatedUnion('version', [
  z.object({
    format: z.literal('docgate-backup'),
    version: z.literal(2),
    createdAt: z.string(),
    source,
    /** One Extended-JSON-lines file per collection, under `documents/`. */
    collections: z.array(fileEntry(collectionName)),
    /** One Extended-JSON-lines file per state section (leaderboards, counters), under `state/`. */
    state: z.array(fileEntry(sectionName)),
  }),
  // Written before checksums: restored after every line is checked, without them.
  z.object({
    format: z.literal('docgate-backup'),
    version: z.literal(1),
    createdAt: z.string(),
    source,
    collections: z.array(z.object({ name: collectionName, count: z.number().int().min(0) })),
    state: z.array(z.object({ name: sectionName, count: z.number().int().min(0) })),
  }),
]);

export type Manifest = z.infer<typeof manifestSchema>;

/** One file of a backup as the manifest describes it; `bytes` and `sha256` absent before version 2. */
export interface FileEntry {
  name: string;
  count: number;
  bytes?: number;
  sha256?: string;
}

/**
 * State kept outside the document store that a backup must carry (Redis sorted sets and counters
 * on the Redis backend; their in-process twins on the embedded one). Caches and sessions are not.
 */
export interface StateSection {
  name: string;
  /** Every record, streamed. */
  dump(): AsyncIterable<unknown>;
  /** True when `record` is one `restore` takes: a restore checks every record before writing. */
  fits(record: unknown): boolean;
  /** Restores records previously dumped; returns how many. */
  restore(records: AsyncIterable<unknown>): Promise<number>;
  isEmpty(): Promise<boolean>;
  clear(): Promise<void>;
}
