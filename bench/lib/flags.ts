import { parseArgs } from 'node:util';

/** Settings every load scenario shares; each scenario sets its own defaults. */
export interface LoadFlags {
  /** Seconds of measured load per round and target. */
  duration: number;
  /** Seconds of unmeasured load before each measurement. */
  warmup: number;
  /** A/B rounds; the median of the rounds is reported. */
  rounds: number;
  /** Concurrent HTTP connections of the load generator. */
  connections: number;
  /** `wrk` (Debian) when installed, else `autocannon` (npm); `--tool` forces one. */
  tool: 'wrk' | 'autocannon' | 'auto';
}

/** The HTTP scenarios' defaults: short, for `npm run bench`; each scenario's flags raise them. */
export const LOAD_DEFAULTS: LoadFlags = { duration: 3, warmup: 1, rounds: 3, connections: 10, tool: 'auto' };

type FlagSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

/** Parses `--name value` flags: the shared load flags plus a scenario's own, all with defaults. */
export function parseFlags<E extends Record<string, string | number | boolean>>(
  argv: readonly string[],
  defaults: LoadFlags & E,
): LoadFlags & E {
  const spec: FlagSpec = {};
  for (const [name, value] of Object.entries(defaults))
    spec[name] = typeof value === 'boolean' ? { type: 'boolean' } : { type: 'string' };
  const { values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false });
  const out: Record<string, string | number | boolean> = { ...defaults };
  for (const [name, fallback] of Object.entries(defaults)) {
    const given = values[name];
    if (given === undefined) continue;
    if (typeof fallback === 'number') {
      const n = Number(given);
      if (!Number.isFinite(n) || n < 0)
        throw new Error(`--${name} must be a number >= 0, not ${String(given)}`);
      out[name] = n;
    } else out[name] = given;
  }
  const tool = out.tool;
  if (tool !== 'wrk' && tool !== 'autocannon' && tool !== 'auto')
    throw new Error('--tool must be wrk, autocannon or auto');
  return out as LoadFlags & E;
}

/** The same flags as an argument list, for a scenario run by `bench/run.ts` or the smoke test. */
export function toArgv(flags: Record<string, string | number | boolean>): string[] {
  return Object.entries(flags).flatMap(([name, value]) =>
    typeof value === 'boolean' ? (value ? [`--${name}`] : []) : [`--${name}`, String(value)],
  );
}
