import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/datasources/ports/sessions.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const owner = { accountId: '65f000000000000000000001', role: 'USER' } as const;

/** The SessionStore contract, run against every implementation. */
export function sessionsSuite(name: string, make: () => Promise<MadePort<SessionStore>>): void {
  describe(`SessionStore (${name})`, () => {
    const open = freshPort(make);

    it('creates a session and reads it back with its expiry moved by use', async () => {
      const sessions = await open();
      const created = new Date(Date.now() - 5_000);
      const record = await sessions.create('s1', owner, created, 60);
      expect(record).toEqual({
        ...owner,
        createdAt: created,
        lastActivityAt: created,
        expiresAt: new Date(created.getTime() + 60_000),
      });
      const now = new Date();
      expect(await sessions.touch('s1', now, 60)).toEqual({
        ...owner,
        createdAt: created,
        lastActivityAt: now,
        expiresAt: new Date(now.getTime() + 60_000),
      });
    });

    it('keeps the role of the session', async () => {
      const sessions = await open();
      await sessions.create('admin', { ...owner, role: 'ADMIN' }, new Date(), 60);
      expect((await sessions.touch('admin', new Date(), 60))?.role).toBe('ADMIN');
    });

    it('knows nothing of an unknown id', async () => {
      const sessions = await open();
      expect(await sessions.touch('nope', new Date(), 60)).toBeNull();
      expect(await sessions.delete('nope')).toBe(false);
    });

    it('expires a session that is not used for its lifetime', async () => {
      const sessions = await open();
      await sessions.create('idle', owner, new Date(), 1);
      await sleep(1_200);
      expect(await sessions.touch('idle', new Date(), 1)).toBeNull();
    });

    it('slides: a session used within its lifetime lives on past the first expiry', async () => {
      const sessions = await open();
      await sessions.create('busy', owner, new Date(), 2);
      await sleep(1_200);
      expect(await sessions.touch('busy', new Date(), 2)).not.toBeNull();
      await sleep(1_200); // 2.4 s after creation: alive only because it slid
      expect(await sessions.touch('busy', new Date(), 2)).not.toBeNull();
    });

    it("ends every session of an account but the one it keeps, and no other account's", async () => {
      const sessions = await open();
      const other = { ...owner, accountId: '65f000000000000000000002' };
      for (const id of ['a', 'b', 'c']) await sessions.create(id, owner, new Date(), 60);
      await sessions.create('x', other, new Date(), 60);
      expect(await sessions.endAll(owner.accountId, 'a')).toBe(2);
      expect(await sessions.touch('a', new Date(), 60)).not.toBeNull();
      expect(await sessions.touch('b', new Date(), 60)).toBeNull();
      expect(await sessions.touch('c', new Date(), 60)).toBeNull();
      expect(await sessions.touch('x', new Date(), 60)).not.toBeNull();
      expect(await sessions.endAll(owner.accountId)).toBe(1);
      expect(await sessions.touch('a', new Date(), 60)).toBeNull();
      expect(await sessions.endAll(owner.accountId)).toBe(0);
    });

    it('ends a session of an account that lives on because it slid', async () => {
      const sessions = await open();
      await sessions.create('slid', owner, new Date(), 2);
      await sleep(1_200);
      await sessions.touch('slid', new Date(), 2);
      await sleep(1_200); // 2.4 s after creation: alive only because it slid
      expect(await sessions.endAll(owner.accountId)).toBe(1);
      expect(await sessions.touch('slid', new Date(), 2)).toBeNull();
    });

    it('ends a deleted session', async () => {
      const sessions = await open();
      await sessions.create('gone', owner, new Date(), 60);
      expect(await sessions.delete('gone')).toBe(true);
      expect(await sessions.touch('gone', new Date(), 60)).toBeNull();
      expect(await sessions.delete('gone')).toBe(false);
    });
  });
}
