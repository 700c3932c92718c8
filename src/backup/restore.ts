import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import { deserialize } from '../serializer.js';
import { type Manifest, manifestSchema, type StateSection } from './format.js';

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
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new RestoreRefusedError(
      `${path} is not a docgate backup manifest: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/** True when the target holds no document and no state a restore would mix with. */
async function targetIsEmpty(documents: DocumentStore, sections: readonly StateSection[]): Promise<boolean> {
  for (const name of await documents.collectionNames()) {
    if ((await documents.collection<StoredDoc>(name).count({})) > 0) return false;
  }
  for (const section of sections) if (!(await section.isEmpty())) return false;
  return true;
}

/**
 * Restores a backup into `documents` and the state sections. A target that already holds data is
 * refused unless `drop` is set, in which case everything there is removed first. Documents stream
 * in batches; each collection's count is checked against the manifest.
 */
export async function restore(
  documents: DocumentStore,
  sections: readonly StateSection[],
  dir: string,
  options: { drop: boolean },
): Promise<Manifest> {
  const manifest = readManifest(dir);
  if (!(await targetIsEmpty(documents, sections))) {
    if (!options.drop)
      throw new RestoreRefusedError('the target is not empty; pass --drop to replace what it holds');
    for (const name of await documents.collectionNames()) await documents.collection<StoredDoc>(name).clear();
    for (const section of sections) await section.clear();
  }
  for (const { name, count } of manifest.collections) {
    const collection = documents.collection<StoredDoc>(name);
    let batch: StoredDoc[] = [];
    let restored = 0;
    for await (const doc of readLines(join(dir, 'documents', `${name}.ejsonl`))) {
      batch.push(doc as StoredDoc);
      if (batch.length >= BATCH) {
        await collection.insertMany(batch);
        restored += batch.length;
        batch = [];
      }
    }
    await collection.insertMany(batch);
    restored += batch.length;
    if (restored !== count)
      throw new Error(`${name}: restored ${restored} documents, the manifest says ${count}`);
  }
  for (const { name, count } of manifest.state) {
    const section = sections.find((s) => s.name === name);
    if (section === undefined) throw new Error(`this gateway has no state section "${name}" to restore into`);
    const restored = await section.restore(readLines(join(dir, 'state', `${name}.ejsonl`)));
    if (restored !== count)
      throw new Error(`${name}: restored ${restored} records, the manifest says ${count}`);
  }
  return manifest;
}
