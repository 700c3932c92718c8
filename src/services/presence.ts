import type { PresenceStore } from '../datasources/ports/presence.js';
import type { Logger } from '../logger.js';

/**
 * Who is online from this instance: accounts holding at least one subscription connection here.
 * Held accounts are refreshed in the store every third of its TTL, so they expire on their
 * own if this instance dies without saying goodbye.
 */
export class PresenceService {
  readonly #held = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly store: PresenceStore,
    ttlSeconds: number,
    private readonly logger: Logger,
  ) {
    this.#timer = setInterval(() => void this.#refresh([...this.#held.keys()]), (ttlSeconds * 1000) / 3);
    this.#timer.unref();
  }

  /** Marks the account online until the returned function is called (once per connection). */
  hold(accountId: string): () => void {
    const count = this.#held.get(accountId) ?? 0;
    this.#held.set(accountId, count + 1);
    if (count === 0) void this.#refresh([accountId]);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#held.get(accountId) ?? 1) - 1;
      if (left > 0) {
        this.#held.set(accountId, left);
        return;
      }
      this.#held.delete(accountId);
      this.store.remove(accountId).catch((err: unknown) => this.logger.warn({ err }, 'presence not cleared'));
    };
  }

  /** Accounts online on any instance. */
  count(): Promise<number> {
    return this.store.count();
  }

  /** Connections held here, for leak checks. */
  get held(): number {
    let n = 0;
    for (const count of this.#held.values()) n += count;
    return n;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#held.clear();
    await this.store.close().catch((err: unknown) => this.logger.warn({ err }, 'presence not cleared'));
  }

  async #refresh(accountIds: string[]): Promise<void> {
    // A refresh that fails (Redis down) is retried by the next tick; meanwhile entries may expire.
    await this.store
      .refresh(accountIds)
      .catch((err: unknown) => this.logger.warn({ err }, 'presence not refreshed'));
  }
}
