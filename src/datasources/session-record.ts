import type { Role, SessionRecord } from './ports/sessions.js';

/** A session as of its last use: it expires `ttlSeconds` after `usedAt` (the same on every backend). */
export function sessionRecord(
  owner: { accountId: string; role: Role },
  createdAt: Date,
  usedAt: Date,
  ttlSeconds: number,
): SessionRecord {
  return {
    accountId: owner.accountId,
    role: owner.role,
    createdAt,
    lastActivityAt: usedAt,
    expiresAt: new Date(usedAt.getTime() + ttlSeconds * 1000),
  };
}
