/**
 * Backup memory: does `docgate backup` stream? Backs up a collection of N documents from FerretDB
 * for two sizes and reports the peak heap growth during each backup. A streaming backup's peak
 * stays about the same while N grows; a buffering one grows with N.
 *
 *   tsx --expose-gc bench/backup-memory.ts [--small 10000] [--large 50000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backup } from '../src/backup/backup.js';
import { MongoDocumentStore } from '../src/datasources/mongo/documents.js';
import type { StoredDoc } from '../src/datasources/ports/documents.js';
import { startDocumentDB } from '../test/helpers/documentdb.js';

const { values } = parseArgs({
  options: { small: { type: 'string', default: '10000' }, large: { type: 'string', default: '50000' } },
});
const sizes = [Number(values.small), Number(values.large)];

function customer(i: number): StoredDoc {
  return {
    _id: i.toString(16).padStart(24, '0'),
    lastName: `Nom${i}`,
    firstName: 'Prénom',
    email: `c${i}@example.com`,
    emailLower: `c${i}@example.com`,
    age: i % 90,
    skills: ['Pascal', 'Python'],
    addresses: [{ type: 'domicile', street: `${i} Rue de la Paix`, city: 'Paris', postalCode: '75001' }],
    registeredAt: new Date(1_700_000_000_000 + i * 1000),
  };
}

/**
 * Peak live heap during `work`: every sample collects garbage first (`--expose-gc`), so what is
 * measured is what the backup holds, not what the collector has not got round to yet.
 */
async function peakHeapDuring(work: () => Promise<unknown>): Promise<number> {
  const gc = global.gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 100);
  await work();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return peak - base;
}

const ferret = await startDocumentDB();
const rows: Array<{ documents: number; peakLiveHeapGrowthMiB: number; seconds: number }> = [];
try {
  for (const n of sizes) {
    const store = await MongoDocumentStore.connect(ferret.url, `backup_mem_${n}`, { maxTimeMS: 60_000 });
    const customers = store.collection<StoredDoc>('customers');
    for (let i = 0; i < n; i += 1000) {
      await customers.insertMany(Array.from({ length: Math.min(1000, n - i) }, (_, j) => customer(i + j)));
    }
    const dir = join(mkdtempSync(join(tmpdir(), 'docgate-bench-')), 'out');
    const started = performance.now();
    const growth = await peakHeapDuring(() => backup(store, [], dir, { documents: 'mongodb', redis: false }));
    rows.push({
      documents: n,
      peakLiveHeapGrowthMiB: Math.round((growth / 2 ** 20) * 10) / 10,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    });
    rmSync(join(dir, '..'), { recursive: true, force: true });
    await store.dropDatabase();
    await store.close();
  }
} finally {
  await ferret.stop();
}
console.table(rows);
const [small, large] = rows;
if (small && large) {
  const sizeRatio = large.documents / small.documents;
  const memoryRatio = large.peakLiveHeapGrowthMiB / Math.max(small.peakLiveHeapGrowthMiB, 0.1);
  console.log(`documents x${sizeRatio.toFixed(1)} -> peak live heap growth x${memoryRatio.toFixed(2)}`);
  console.log(JSON.stringify({ scenario: 'backup-memory', rows, sizeRatio, memoryRatio }));
}
