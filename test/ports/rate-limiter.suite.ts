import { describe, expect, it } from 'vitest';
import type { RateLimiterFactory } from '../../src/datasources/ports/rate-limiter.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The RateLimiter contract, run against every implementation. */
export function rateLimiterSuite(name: string, make: () => Promise<MadePort<RateLimiterFactory>>): void {
  describe(`RateLimiter (${name})`, () => {
    const factory = freshPort(make);
    const open = async (points: number, durationSeconds: number, blockSeconds?: number) =>
      (await factory())({ name: 'test', points, durationSeconds, blockSeconds, whenStoreDown: 'fail' });

    it('spends one point per call and refuses past the limit until the window ends', async () => {
      const limiter = await open(3, 60);
      const before = Date.now();
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('k'));
      expect(decisions.map((d) => [d.allowed, d.remaining, d.limit])).toEqual([
        [true, 2, 3],
        [true, 1, 3],
        [true, 0, 3],
        [false, 0, 3],
      ]);
      const resetAt = decisions[3]?.resetAt.getTime() ?? 0;
      expect(resetAt).toBeGreaterThan(before + 55_000);
      expect(resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
      expect((await limiter.consume('other')).remaining).toBe(2);
    });

    it('gives the points back when the window ends', async () => {
      const limiter = await open(1, 1);
      expect((await limiter.consume('w')).allowed).toBe(true);
      expect((await limiter.consume('w')).allowed).toBe(false);
      await sleep(1_100);
      expect((await limiter.consume('w')).allowed).toBe(true);
    });

    it('peeks without spending', async () => {
      const limiter = await open(5, 60);
      expect(await limiter.peek('p')).toMatchObject({ allowed: true, remaining: 5, limit: 5 });
      await limiter.consume('p', 2);
      expect(await limiter.peek('p')).toMatchObject({ allowed: true, remaining: 3 });
      expect(await limiter.peek('p')).toMatchObject({ allowed: true, remaining: 3 });
    });

    it('forgets a key on reset', async () => {
      const limiter = await open(2, 60);
      await limiter.consume('r', 2);
      await limiter.reset('r');
      expect(await limiter.consume('r')).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('gives points back on refund, within the window', async () => {
      const limiter = await open(2, 60);
      await limiter.consume('f', 2);
      await limiter.refund('f');
      expect(await limiter.consume('f')).toMatchObject({ allowed: true, remaining: 0 });
      expect((await limiter.consume('f')).allowed).toBe(false);
    });

    it('keeps refusing a key for the block time once it went over', async () => {
      const limiter = await open(1, 1, 3);
      await limiter.consume('b');
      const refused = await limiter.consume('b');
      expect(refused.allowed).toBe(false);
      expect(refused.resetAt.getTime()).toBeGreaterThan(Date.now() + 2_000);
      await sleep(1_200); // the window is over, the block is not
      expect((await limiter.consume('b')).allowed).toBe(false);
      expect((await limiter.peek('b')).allowed).toBe(false);
    });

    it('lets exactly `points` calls through when many race', async () => {
      const limiter = await open(20, 60);
      const decisions = await Promise.all(Array.from({ length: 60 }, () => limiter.consume('race')));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    });
  });
}
