import type { Role, SessionRecord, SessionStore } from '../ports/sessions.js';
import { sessionRecord } from '../session-record.js';

/** In-process sessions for the embedded default; expired ones are dropped on use and swept now and then. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
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
    return { ...record };
  }

  async touch(id: string, now: Date, ttlSeconds: number): Promise<SessionRecord | null> {
    const record = this.sessions.get(id);
    if (record === undefined) return null;
    // Compared with the clock, not `now`: like a Redis TTL, expiry does not depend on the caller.
    if (record.expiresAt.getTime() <= Date.now()) {
      this.sessions.delete(id);
      return null;
    }
    const used = sessionRecord(record, record.createdAt, now, ttlSeconds);
    this.sessions.set(id, used);
    return { ...used };
  }

  async delete(id: string): Promise<boolean> {
    const record = this.sessions.get(id);
    this.sessions.delete(id);
    return record !== undefined && record.expiresAt.getTime() > Date.now();
  }

  private sweep(now: number): void {
    for (const [id, record] of this.sessions) if (record.expiresAt.getTime() <= now) this.sessions.delete(id);
  }

  async close(): Promise<void> {
    this.sessions.clear();
  }
}
