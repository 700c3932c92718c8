/** What a read of the response cache finds: the entry, and the generation to store against. */
export interface ResponseCacheRead {
  body: string | null;
  /** Moves on with every invalidation; `set` stores only while it has not moved. */
  generation: string;
}

/**
 * Whole GraphQL responses by key, each tagged with the entities it holds (`Customer`,
 * `Customer:<id>`), shared by every instance on Redis. A write invalidates by tag and moves the
 * generation on, so a read that began before the write cannot store its older result after it.
 */
export interface ResponseCacheStore {
  get(key: string): Promise<ResponseCacheRead>;
  /** Stores unless an invalidation happened since `generation` was read; true when stored. */
  set(
    key: string,
    body: string,
    tags: readonly string[],
    ttlMs: number,
    generation: string,
  ): Promise<boolean>;
  /** Drops every entry carrying one of these tags, on every instance, before it resolves. */
  invalidate(tags: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
