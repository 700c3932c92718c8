/**
 * Each benchmark scenario run at tiny sizes, so that none rots. It checks the shape of what a
 * scenario produces, never a speed: benchmarks are not tests.
 */
import { describe, expect, it } from 'vitest';
import { sharedCache } from '../bench/cache.js';
import { eventCursors } from '../bench/event-cursors.js';
import { failover } from '../bench/failover.js';
import { fanout } from '../bench/fanout.js';
import { fanoutInstances } from '../bench/fanout-instances.js';
import { growth } from '../bench/growth.js';
import { jobs } from '../bench/jobs.js';
import type { Scenario } from '../bench/lib/report.js';
import { nPlusOne } from '../bench/n-plus-one.js';
import { readPath } from '../bench/read-path.js';
import { scores } from '../bench/scores.js';
import { soak } from '../bench/soak.js';

const TINY = ['--duration', '1', '--warmup', '0', '--rounds', '1'];

const cases: ReadonlyArray<readonly [string, Scenario, string[]]> = [
  ['read-path', readPath, [...TINY, '--orders', '5', '--tracing']],
  ['n-plus-one', nPlusOne, [...TINY, '--sizes', '2,4', '--count', '2']],
  ['cache', sharedCache, [...TINY, '--batch', '2', '--batches', '2', '--count', '4']],
  ['scores', scores, [...TINY, '--players', '5', '--count', '4']],
  ['growth', growth, ['--duration', '0.2', '--embedded', '50,100', '--ferretdb', '50']],
  ['fanout', fanout, ['--subscribers', '10', '--rates', '5', '--duration', '1', '--idle', '10']],
  [
    'fanout-instances',
    fanoutInstances,
    ['--subscribers', '4', '--instances', '2', '--rates', '5', '--duration', '1', '--backends', 'cluster'],
  ],
  ['event-cursors', eventCursors, ['--rounds', '1', '--retained', '100']],
  ['jobs', jobs, ['--jobs', '10', '--rates', '10', '--duration', '1']],
  ['failover', failover, ['--kills', '1', '--changes', '20']],
  ['soak', soak, ['--duration', '3', '--sample', '1', '--workers', '2', '--subscribers', '2']],
];

describe('benchmark scenarios at tiny sizes', () => {
  for (const [name, scenario, argv] of cases) {
    it(`runs ${name} to a well-formed result`, { timeout: 900_000 }, async () => {
      const result = await scenario(argv);
      expect(result.scenario).toBe(name);
      expect(Number.isNaN(Date.parse(result.date))).toBe(false);
      expect(result.machine.cores).toBeGreaterThan(0);
      expect(result.columns.length).toBeGreaterThan(0);
      expect(result.rows.length).toBeGreaterThan(0);
      for (const row of result.rows)
        for (const key of Object.keys(row)) expect(result.columns).toContain(key);
      for (const target of result.targets) {
        expect(target.goal).toEqual(expect.any(String));
        expect(target.measured).toEqual(expect.any(String));
        expect([true, false, null]).toContain(target.met);
      }
      // Every number a scenario reports is a number, never NaN.
      for (const row of result.rows)
        for (const value of Object.values(row))
          if (typeof value === 'number') expect(Number.isNaN(value)).toBe(false);
    });
  }
});
