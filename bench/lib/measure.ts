import { type LoadResult, runLoad } from './http-load.js';
import { median, quantile, round } from './stats.js';

/** A server to load: its URL, the request bodies (taken in turn), headers, and its process. */
export interface HttpTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  bodies: readonly string[];
  process?: { cpuSeconds(): number | null };
}

export interface LoadSettings {
  duration: number;
  warmup: number;
  rounds: number;
  connections: number;
  tool: 'wrk' | 'autocannon';
}

/** A target's figures: medians over the rounds, and each round. */
export interface Measured {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Errors over all rounds (non-2xx, socket errors, timeouts). */
  errors: number;
  /** Share of one core the server used while measured (1 = saturated). */
  serverCpu: number | null;
  /** Share of one core the load generator used (near 1: it may be the bottleneck). */
  loadCpu: number | null;
  rounds: Array<Pick<LoadResult, 'rps' | 'p50Ms' | 'p99Ms' | 'errors'>>;
}

export type Log = (line: string) => void;

export const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

/**
 * Sends one request of each distinct body and fails unless every answer is 200 without GraphQL
 * errors: a benchmark of error responses measures nothing. Returns the size of the first answer.
 */
export async function checkTarget(target: HttpTarget): Promise<number> {
  let size = 0;
  for (const body of new Set(target.bodies.slice(0, 20))) {
    const text = await post(target, body);
    if (size === 0) size = Buffer.byteLength(text);
  }
  return size;
}

/** One request; its answer's text, or an error unless it is 200 without GraphQL errors. */
export async function post(target: HttpTarget, body: string): Promise<string> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"'))
    throw new Error(`${target.name} answered ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

function median0(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : round(median(present), 2);
}

/**
 * The A/B protocol: in each round every target in turn gets `warmup` seconds of unmeasured load,
 * then `duration` seconds measured; medians over the rounds. Targets alternate within a round,
 * so drift on the machine touches them all alike.
 */
export async function measureAB(
  targets: readonly HttpTarget[],
  settings: LoadSettings,
  log: Log = stderrLog,
): Promise<Measured[]> {
  const runs = new Map<string, Array<LoadResult & { serverCpu: number | null }>>();
  for (const t of targets) runs.set(t.name, []);
  for (let r = 1; r <= settings.rounds; r++) {
    for (const target of targets) {
      const spec = {
        url: target.url,
        bodies: target.bodies,
        headers: target.headers,
        connections: settings.connections,
        tool: settings.tool,
      };
      if (settings.warmup > 0) await runLoad({ ...spec, duration: settings.warmup });
      const cpuBefore = target.process?.cpuSeconds() ?? null;
      const started = performance.now();
      const result = await runLoad({ ...spec, duration: settings.duration });
      const cpuAfter = target.process?.cpuSeconds() ?? null;
      const seconds = (performance.now() - started) / 1000;
      const serverCpu = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / seconds;
      runs.get(target.name)?.push({ ...result, serverCpu });
      log(
        `  round ${r}/${settings.rounds} ${target.name}: ${Math.round(result.rps)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, errors ${result.errors}`,
      );
    }
  }
  return targets.map((t) => {
    const list = runs.get(t.name) ?? [];
    return {
      name: t.name,
      rps: round(median(list.map((x) => x.rps)), 0),
      p50Ms: round(median(list.map((x) => x.p50Ms)), 2),
      p99Ms: round(median(list.map((x) => x.p99Ms)), 2),
      errors: list.reduce((sum, x) => sum + x.errors, 0),
      serverCpu: median0(list.map((x) => x.serverCpu)),
      loadCpu: median0(list.map((x) => x.loadCpu)),
      rounds: list.map((x) => ({
        rps: round(x.rps, 0),
        p50Ms: round(x.p50Ms, 3),
        p99Ms: round(x.p99Ms, 3),
        errors: x.errors,
      })),
    };
  });
}

/**
 * Latency of requests sent one at a time from this process, for `seconds` and at least
 * `minRequests` (slow stores answer in seconds, which a fixed-duration load run would cut off).
 */
export async function sequentialLatency(
  target: HttpTarget,
  seconds: number,
  minRequests = 5,
): Promise<{ requests: number; rps: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  // One unmeasured request first: the first after a bulk load pays for its garbage collection.
  await post(target, target.bodies[0] ?? '');
  const started = performance.now();
  while (latencies.length < minRequests || performance.now() - started < seconds * 1000) {
    const body = target.bodies[latencies.length % target.bodies.length] ?? '';
    const t0 = performance.now();
    await post(target, body);
    latencies.push(performance.now() - t0);
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    rps: round(latencies.length / elapsed, 1),
    p50Ms: round(quantile(latencies, 0.5), 2),
    p99Ms: round(quantile(latencies, 0.99), 2),
  };
}
