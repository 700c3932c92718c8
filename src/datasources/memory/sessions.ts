import type { Role, SessionRecord, SessionStore } from '../ports/sessions.js';
import { sessionRecord } from '../session-record.js';

/** In-process sessions for the embedded default; expired ones are dropped on use and swept now and then. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  /** Session ids by account; an id stays until its session is deleted or swept. */
  private readonly byAccount = new Map<string, Set<string>>();
  private created = 0;

  async create(
    id: string,
    owner: { accountId: string; role: Role },
    now: Date,
    ttlSeconds: number,
  ): Promise<SessionRecord> {
    if (++this.created % 1000 === 0) this.sweep(now.getTime());
    const record = sessionRecord(owner, now, now, ttlSeconds);
    this.sessions.set(id, record);
    const ids = this.byAccount.get(owner.accountId) ?? new Set<string>();
    this.byAccount.set(owner.accountId, ids.add(id));
    return { ...record };
  }

  async touch(id: string, now: Date, ttlSeconds: number): Promise<SessionRecord | null> {
    const record = this.sessions.get(id);
    if (record === undefined) return null;
    // Compared with the clock, not `now`: like a Redis TTL, expiry does not depend on the caller.
    if (record.expiresAt.getTime() <= Date.now()) {
      this.remove(id);
      return null;
    }
    const used = sessionRecord(record, record.createdAt, now, ttlSeconds);
    this.sessions.set(id, used);
    return { ...used };
  }

  async delete(id: string): Promise<boolean> {
    const record = this.remove(id);
    return record !== undefined && record.expiresAt.getTime() > Date.now();
  }

  async endAll(accountId: string, keep?: string): Promise<number> {
    let ended = 0;
    for (const id of [...(this.byAccount.get(accountId) ?? [])]) {
      if (id !== keep && (await this.delete(id))) ended++;
    }
    return ended;
  }

  async expiry(id: string): Promise<Date | null> {
    const expiresAt = this.sessions.get(id)?.expiresAt;
    return expiresAt === undefined || expiresAt.getTime() <= Date.now() ? null : new Date(expiresAt);
  }

  private remove(id: string): SessionRecord | undefined {
    const record = this.sessions.get(id);
    if (record === undefined) return undefined;
    this.sessions.delete(id);
    const ids = this.byAccount.get(record.accountId);
    ids?.delete(id);
    if (ids?.size === 0) this.byAccount.delete(record.accountId);
    return record;
  }

  private sweep(now: number): void {
    for (const [id, record] of this.sessions) if (record.expiresAt.getTime() <= now) this.remove(id);
  }

  async close(): Promise<void> {
    this.sessions.clear();
    this.byAccount.clear();
  }
}
