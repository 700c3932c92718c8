import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import { deserialize } from '../serializer.js';
import { START_DOCUMENTS } from '../services/orders.js';
import { type FileEntry, type Manifest, manifestSchema, type StateSection } from './format.js';

const BATCH = 500;

export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';
}

async function* readLines(path: string): AsyncIterable<unknown> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) if (line !== '') yield deserialize<unknown>(line);
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path))
    throw new RestoreRefusedError(`${dir} holds no manifest.json: not a complete docgate backup`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new RestoreRefusedError(`${path} is not JSON: the backup is damaged`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new RestoreRefusedError(
      `${path} is not a docgate backup manifest: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/**
 * Reads one file of the backup through: its size and checksum against the manifest (since
 * version 2), then every line parsed and checked by `fits`, and their count. Throws
 * RestoreRefusedError naming the file and what is wrong; writes nothing.
 */
async function verifyFile(path: string, entry: FileEntry, fits: (record: unknown) => string | null) {
  if (!existsSync(path)) throw new RestoreRefusedError(`${path} is missing: the backup is incomplete`);
  const input = createReadStream(path);
  const hash = createHash('sha256');
  let bytes = 0;
  input.on('data', (chunk) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  let count = 0;
  let problem: string | null = null;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line === '' || problem !== null) continue;
    count += 1;
    try {
      problem = fits(deserialize<unknown>(line));
    } catch {
      problem = 'not Extended JSON';
    }
    if (problem !== null) problem = `line ${count}: ${problem}`;
  }
  const damaged = (what: string) => new RestoreRefusedError(`${path}: ${what}; the backup is damaged`);
  if (entry.bytes !== undefined && bytes !== entry.bytes)
    throw damaged(`${bytes} bytes, the manifest says ${entry.bytes}`);
  if (entry.sha256 !== undefined && hash.digest('hex') !== entry.sha256)
    throw damaged('its checksum differs from the manifest');
  if (problem !== null) throw damaged(problem);
  if (count !== entry.count) throw damaged(`${count} records, the manifest says ${entry.count}`);
}

/**
 * Checks the whole backup before anything is written: every file, every line, every count, and
 * that each state section exists here. A document needs a string `_id`, unique in its file (the
 * ids of one collection are held meanwhile, as the restore would hold them in the target).
 */
export async function verifyBackup(dir: string, sections: readonly StateSection[]): Promise<Manifest> {
  const manifest = readManifest(dir);
  for (const entry of manifest.collections) {
    const ids = new Set<string>();
    await verifyFile(join(dir, 'documents', `${entry.name}.ejsonl`), entry, (doc) => {
      const id: unknown = typeof doc === 'object' && doc !== null ? (doc as StoredDoc)._id : undefined;
      if (typeof id !== 'string') return 'a document without a string _id';
      if (ids.has(id)) return `_id ${JSON.stringify(id)} twice`;
      ids.add(id);
      return null;
    });
  }
  for (const entry of manifest.state) {
    const section = sections.find((s) => s.name === entry.name);
    if (section === undefined)
      throw new RestoreRefusedError(`this gateway has no state section "${entry.name}" to restore into`);
    await verifyFile(join(dir, 'state', `${entry.name}.ejsonl`), entry, (record) =>
      section.fits(record) ? null : `not a ${entry.name} record`,
    );
  }
  return manifest;
}

/**
 * True when the target holds no document and no state a restore would mix with. What every start
 * writes before any data (START_DOCUMENTS: the order sequence at 0) does not count.
 */
async function targetIsEmpty(documents: DocumentStore, sections: readonly StateSection[]): Promise<boolean> {
  for (const name of await documents.collectionNames()) {
    const start = START_DOCUMENTS[name];
    const filter = start === undefined ? {} : { $nor: [start] };
    if ((await documents.collection<StoredDoc>(name).count(filter)) > 0) return false;
  }
  for (const section of sections) if (!(await section.isEmpty())) return false;
  return true;
}

async function clearTarget(documents: DocumentStore, sections: readonly StateSection[]): Promise<void> {
  for (const name of await documents.collectionNames()) await documents.collection<StoredDoc>(name).clear();
  for (const section of sections) await section.clear();
}

async function write(
  documents: DocumentStore,
  sections: readonly StateSection[],
  dir: string,
  manifest: Manifest,
) {
  for (const { name } of manifest.collections) {
    const collection = documents.collection<StoredDoc>(name);
    let batch: StoredDoc[] = [];
    for await (const doc of readLines(join(dir, 'documents', `${name}.ejsonl`))) {
      batch.push(doc as StoredDoc);
      if (batch.length >= BATCH) {
        await collection.insertMany(batch);
        batch = [];
      }
    }
    await collection.insertMany(batch);
  }
  for (const { name } of manifest.state) {
    const section = sections.find((s) => s.name === name);
    if (section !== undefined) await section.restore(readLines(join(dir, 'state', `${name}.ejsonl`)));
  }
}

/**
 * Restores a backup into `documents` and the state sections. The whole backup is verified first
 * (verifyBackup), so a damaged one is refused with the target untouched. A target that already
 * holds data is refused unless `drop` is set, in which case everything there is removed, after
 * the verification. Should the target itself fail during the writes (a server lost), what was
 * restored into a target that was empty is removed again; with `drop`, restore again.
 */
export async function restore(
  documents: DocumentStore,
  sections: readonly StateSection[],
  dir: string,
  options: { drop: boolean },
): Promise<Manifest> {
  const manifest = await verifyBackup(dir, sections);
  const wasEmpty = await targetIsEmpty(documents, sections);
  if (!wasEmpty && !options.drop)
    throw new RestoreRefusedError('the target is not empty; pass --drop to replace what it holds');
  // An empty target too: what a start wrote there gives way to the backup's.
  await clearTarget(documents, sections);
  try {
    await write(documents, sections, dir, manifest);
  } catch (error) {
    if (wasEmpty) await clearTarget(documents, sections).catch(() => undefined);
    throw error;
  }
  return manifest;
}
