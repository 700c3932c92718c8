/**
 * Where an idle subscription's heap goes: heap snapshots of docgate with `--from` then `--to` idle
 * subscribers of one board, diffed by constructor (self size), per added subscription.
 *
 *   tsx bench/idle-heap.ts [--from 2000] [--to 10000] [--backend embedded|redis] [--dir /tmp] [--snapshots]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBackends } from './lib/backends.js';
import { benchFile, startChild } from './lib/child.js';
import { LOAD_CORE } from './lib/cores.js';
import { LOAD_DEFAULTS, parseFlags } from './lib/flags.js';
import { LEADERBOARD_UPDATED } from './lib/queries.js';
import { BASE_ENV, startDocgate, stopAll } from './lib/targets.js';

const flags = parseFlags(process.argv.slice(2), {
  ...LOAD_DEFAULTS,
  from: 2000,
  to: 10_000,
  backend: 'embedded',
  dir: '/tmp',
  top: 30,
  /** Also write the two snapshots and print their diff by constructor. */
  snapshots: false,
});

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per `type:name` (closures and objects by constructor). */
function byConstructor(file: string): Map<string, { size: number; count: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + (typeAt ?? 0)] ?? 0] ?? '?';
    let name = snap.strings[snap.nodes[i + (nameAt ?? 0)] ?? 0] ?? '?';
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '';
    if (name.length > 60) name = `${name.slice(0, 60)}…`;
    const key = `${type}:${name}`;
    const entry = out.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.nodes[i + (sizeAt ?? 0)] ?? 0;
    entry.count++;
    out.set(key, entry);
  }
  return out;
}

const backends = await startBackends({ redis: flags.backend === 'redis' });
const env: Record<string, string> = { ...BASE_ENV, MAX_CONNECTIONS_PER_CALLER: '1000000' };
if (flags.backend === 'redis') Object.assign(env, { REDIS_URL: backends.redisUrl, REDIS_PREFIX: 'idle:' });
const server = await startDocgate('docgate', { env });
const client = await startChild<unknown>('subscribers', benchFile('clients/ws-subscribers.ts'), {
  core: LOAD_CORE,
});
const files: string[] = [];
const used: number[] = [];
try {
  let open = 0;
  for (const count of [flags.from, flags.to]) {
    await client.request('connect', {
      url: server.ready.url,
      count: count - open,
      parallel: 20,
      query: LEADERBOARD_UPDATED,
      variables: { board: 'fan' },
    });
    open = count;
    await sleep(2000);
    const mem = await server.request<NodeJS.MemoryUsage>('memory');
    used.push(mem.heapUsed);
    if (flags.snapshots) {
      const file = join(flags.dir, `idle-${flags.backend}-${count}.heapsnapshot`);
      await server.request('heapSnapshot', { file });
      files.push(file);
    }
    process.stderr.write(`${count} subscriptions: heapUsed ${Math.round(mem.heapUsed / 1024)} KiB\n`);
  }
} finally {
  await stopAll([client, server]);
  await backends.stop();
}
const added = flags.to - flags.from;
process.stdout.write(
  `heapUsed per added subscription: ${(((used[1] ?? 0) - (used[0] ?? 0)) / added / 1024).toFixed(2)} KiB\n`,
);
const [a, b] = files.map(byConstructor);
const rows = [...(b ?? new Map<string, { size: number; count: number }>()).entries()].map(([key, after]) => {
  const before = a?.get(key) ?? { size: 0, count: 0 };
  return { key, bytes: (after.size - before.size) / added, count: (after.count - before.count) / added };
});
const total = rows.reduce((sum, r) => sum + r.bytes, 0);
process.stdout.write(`self size per added subscription: ${(total / 1024).toFixed(2)} KiB\n`);
for (const r of rows.sort((x, y) => y.bytes - x.bytes).slice(0, flags.top))
  process.stdout.write(
    `${r.bytes.toFixed(0).padStart(6)} B  ${r.count.toFixed(2).padStart(6)}/sub  ${r.key}\n`,
  );
