/**
 * Scenario 6, scores: `submitScore` on Redis with the request limiter on and off, one request at
 * a time (latency without queueing): Redis round trips per submit, and what the limiter adds at p50.
 *
 *   tsx bench/scores.ts [--duration 3] [--rounds 3] [--connections 1] [--players 1000]
 */
import { countWork, describeCounts, type Work } from './lib/backend-work.js';
import { startBackends } from './lib/backends.js';
import { parseFlags } from './lib/flags.js';
import { pickTool } from './lib/http-load.js';
import { checkTarget, measureAB } from './lib/measure.js';
import { SUBMIT_SCORE } from './lib/queries.js';
import { newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { round } from './lib/stats.js';
import { BASE_ENV, gql, type ServerChild, startDocgate, stopAll, targetOf } from './lib/targets.js';

export const DEFAULTS = {
  duration: 3,
  warmup: 1,
  rounds: 3,
  connections: 1,
  tool: 'auto' as const,
  players: 1000,
  count: 100,
};

export async function scores(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const tool = pickTool(flags.tool);
  const backends = await startBackends({ redis: true });
  const children: ServerChild[] = [];
  try {
    const env = (name: string) => ({
      ...BASE_ENV,
      REDIS_URL: backends.redisUrl,
      REDIS_PREFIX: `bench-${name}:`,
    });
    children.push(await startDocgate('limiter on', { env: env('on'), limiter: 'on' }));
    children.push(await startDocgate('limiter off', { env: env('off'), limiter: 'off' }));
    const bodies = Array.from({ length: flags.players }, (_v, i) =>
      gql(SUBMIT_SCORE, { board: 'bench', player: `player-${i}`, score: (i * 7919) % 100_000 }),
    );
    const targets = children.map((c) => targetOf(c, bodies));
    const work = new Map<string, Work>();
    for (const [i, target] of targets.entries()) {
      await checkTarget(target);
      const child = children[i];
      if (child !== undefined)
        work.set(target.name, await countWork(target, flags.count, { redisUrl: backends.redisUrl }));
    }
    const measured = await measureAB(targets, { ...flags, tool });
    const on = measured.find((m) => m.name === 'limiter on');
    const off = measured.find((m) => m.name === 'limiter off');
    const rows = measured.map((m) => {
      const w = work.get(m.name);
      return {
        limiter: m.name,
        'req/s': m.rps,
        'p50 ms': m.p50Ms,
        'p99 ms': m.p99Ms,
        'Redis round trips/req': w?.redisRoundTrips ?? null,
        'Redis cmds sent/req': describeCounts(w?.redisSent ?? null),
        'server CPU': m.serverCpu,
        errors: m.errors,
      };
    });
    const added = on && off ? round(on.p50Ms - off.p50Ms, 3) : null;
    const offWork = work.get('limiter off');
    // Without the limiter a submit costs the session lookup (one script) plus the score's own trips.
    const scoreTrips = offWork?.redisRoundTrips == null ? null : round(offWork.redisRoundTrips - 1, 2);
    return {
      ...newResult('scores', 'Scores: submitScore on Redis, limiter on and off', { ...flags, tool }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [
        {
          goal: 'score, rank and event payload in one Redis round trip (a script)',
          measured: `${scoreTrips ?? '-'} round trips for the score after the session lookup (${describeCounts(offWork?.redisSent ?? null)} sent per request in all)`,
          met: scoreTrips === null ? null : scoreTrips <= 1,
        },
        {
          goal: 'the limiter adds at most 0.25 ms at p50',
          measured: `${added ?? '-'} ms (p50 ${on?.p50Ms ?? '-'} ms on, ${off?.p50Ms ?? '-'} ms off)`,
          met: added === null ? null : added <= 0.25,
        },
      ],
      notes: [
        `${flags.connections} connection(s): latency without queueing. Redis pinned with the load generator on core 1; docgate on core 0.`,
        'Limiter off = the request limiter replaced by one that allows without asking Redis; everything else identical.',
      ],
      details: { measured, work: Object.fromEntries(work) },
    };
  } finally {
    await stopAll(children);
    await backends.stop();
  }
}

runWhenMain(import.meta.url, scores);
