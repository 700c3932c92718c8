import type { PresenceStore } from '../ports/presence.js';

/** Online accounts of the one embedded instance, with the same expiry as on Redis. */
export class MemoryPresence implements PresenceStore {
  readonly #expiresAt = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  async refresh(accountIds: readonly string[]): Promise<void> {
    const expiresAt = Date.now() + this.ttlMs;
    for (const id of accountIds) this.#expiresAt.set(id, expiresAt);
  }

  async remove(accountId: string): Promise<void> {
    this.#expiresAt.delete(accountId);
  }

  async count(): Promise<number> {
    const now = Date.now();
    for (const [id, expiresAt] of this.#expiresAt) if (expiresAt <= now) this.#expiresAt.delete(id);
    return this.#expiresAt.size;
  }

  async close(): Promise<void> {
    this.#expiresAt.clear();
  }
}
