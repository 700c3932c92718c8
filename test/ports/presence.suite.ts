import { describe, expect, it } from 'vitest';
import type { PresenceStore } from '../../src/datasources/ports/presence.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough that no entry expires during a test that is not about expiry. */
const LONG_TTL_MS = 60_000;

/** The PresenceStore contract, run against every implementation; `make` takes the entry TTL. */
export function presenceSuite(name: string, make: (ttlMs: number) => Promise<MadePort<PresenceStore>>): void {
  describe(`PresenceStore (${name})`, () => {
    const open = freshPort(make);

    it('counts each refreshed account once, and no longer once removed', async () => {
      const presence = await open(LONG_TTL_MS);
      expect(await presence.count()).toBe(0);
      await presence.refresh(['a', 'b']);
      await presence.refresh(['b', 'c']);
      await presence.refresh([]);
      expect(await presence.count()).toBe(3);
      await presence.remove('b');
      await presence.remove('never-there');
      expect(await presence.count()).toBe(2);
    });

    it('expires an entry not refreshed within its TTL, and keeps one that is', async () => {
      const presence = await open(1_500);
      await presence.refresh(['kept', 'dropped']);
      await sleep(1_000);
      await presence.refresh(['kept']);
      await sleep(1_000); // 2 s after 'dropped' was refreshed, 1 s after 'kept' was
      expect(await presence.count()).toBe(1);
      await presence.remove('kept');
      expect(await presence.count()).toBe(0);
    });

    it("removes this instance's entries on close", async () => {
      const presence = await open(LONG_TTL_MS);
      await presence.refresh(['a', 'b']);
      await presence.close();
      expect(await presence.count()).toBe(0);
    });
  });
}
