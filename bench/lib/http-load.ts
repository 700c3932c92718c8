import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchFile } from './child.js';
import { cpuSeconds, LOAD_CORE, pinned } from './cores.js';

/** One run of HTTP load: POSTs of `bodies` (taken in turn) to `url`. */
export interface LoadSpec {
  url: string;
  bodies: readonly string[];
  headers: Readonly<Record<string, string>>;
  connections: number;
  /** Seconds. */
  duration: number;
  tool: 'wrk' | 'autocannon';
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx, plus socket errors and timeouts. */
  errors: number;
  /** CPU the load generator used, as a share of one core (1 = one core saturated). */
  loadCpu: number | null;
}

let wrkFound: boolean | undefined;

/** `wrk` when it is installed (faster than autocannon, so less likely the bottleneck), else autocannon. */
export function pickTool(wanted: 'wrk' | 'autocannon' | 'auto'): 'wrk' | 'autocannon' {
  if (wanted !== 'auto') return wanted;
  if (wrkFound === undefined) wrkFound = spawnSync('wrk', ['--version']).error === undefined;
  return wrkFound ? 'wrk' : 'autocannon';
}

function luaString(value: string): string {
  return JSON.stringify(value).replace(
    /\\u([0-9a-fA-F]{4})/g,
    (_m, hex: string) =>
      // Lua 5.1 strings know \ddd escapes only; the bodies are ASCII JSON in practice.
      `\\${Number.parseInt(hex, 16)}`,
  );
}

function wrkScript(spec: LoadSpec): string {
  const headers = Object.entries({ 'content-type': 'application/json', ...spec.headers })
    .map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`)
    .join('\n');
  return `
wrk.method = "POST"
${headers}
local bodies = { ${spec.bodies.map(luaString).join(',\n')} }
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
local non2xx = 0
response = function(status)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
done = function(summary, latency)
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;
}

interface RawResult {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  errors: number;
}

/** Runs a process to completion, sampling its CPU time while it runs; resolves with its stdout. */
function runSampled(
  command: string,
  args: string[],
): Promise<{ stdout: string; cpu: number | null; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let cpu: number | null = null;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-4000);
    });
    const sample = setInterval(() => {
      if (child.pid !== undefined) cpu = cpuSeconds(child.pid) ?? cpu;
    }, 250);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) reject(new Error(`${command} exited with ${code}: ${stderr || stdout}`));
      else resolve({ stdout, cpu, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** HTTP load from a separate process pinned to the load core. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.bodies.length === 0) throw new Error('no request bodies');
  let command: string;
  let args: string[];
  let cleanup = () => {};
  if (spec.tool === 'wrk') {
    const dir = mkdtempSync(join(tmpdir(), 'docgate-wrk-'));
    const script = join(dir, 'post.lua');
    writeFileSync(script, wrkScript(spec));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    [command, args] = pinned(LOAD_CORE, 'wrk', [
      '-t1',
      `-c${spec.connections}`,
      `-d${Math.max(1, Math.round(spec.duration))}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      spec.url,
    ]);
  } else {
    [command, args] = pinned(LOAD_CORE, process.execPath, [
      '--import',
      'tsx',
      benchFile('lib/autocannon-child.ts'),
      JSON.stringify(spec),
    ]);
  }
  try {
    const { stdout, cpu, seconds } = await runSampled(command, args);
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (line === undefined) throw new Error(`no result from ${spec.tool}: ${stdout}`);
    const raw = JSON.parse(line.slice('RESULT '.length)) as RawResult;
    const measured = raw.durationUs / 1e6;
    return {
      requests: raw.requests,
      rps: raw.requests / measured,
      p50Ms: raw.p50Us / 1000,
      p99Ms: raw.p99Us / 1000,
      errors: raw.errors,
      loadCpu: cpu === null ? null : cpu / seconds,
    };
  } finally {
    cleanup();
  }
}
