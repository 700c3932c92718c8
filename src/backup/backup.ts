import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import { serialize } from '../serializer.js';
import type { Manifest, StateSection } from './format.js';

/** Writes `records` as Extended-JSON lines, honouring back-pressure so memory stays flat. */
async function writeLines(path: string, records: AsyncIterable<unknown>): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let count = 0;
  try {
    for await (const record of records) {
      if (!out.write(`${serialize(record)}\n`)) await once(out, 'drain');
      count += 1;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return count;
}

/**
 * Backs up every collection of `documents` and every state section into `dir`, which must be
 * new or empty. Types survive (dates, ids, decimals) through canonical Extended JSON.
 */
export async function backup(
  documents: DocumentStore,
  sections: readonly StateSection[],
  dir: string,
  source: Manifest['source'],
): Promise<Manifest> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`backup directory ${dir} is not empty`);
  mkdirSync(join(dir, 'documents'), { recursive: true });
  mkdirSync(join(dir, 'state'), { recursive: true });
  const collections: Manifest['collections'] = [];
  for (const name of await documents.collectionNames()) {
    const count = await writeLines(
      join(dir, 'documents', `${name}.ejsonl`),
      documents.collection<StoredDoc>(name).scan(),
    );
    collections.push({ name, count });
  }
  const state: Manifest['state'] = [];
  for (const section of sections) {
    state.push({
      name: section.name,
      count: await writeLines(join(dir, 'state', `${section.name}.ejsonl`), section.dump()),
    });
  }
  const manifest: Manifest = {
    format: 'docgate-backup',
    version: 1,
    createdAt: new Date().toISOString(),
    source,
    collections,
    state,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
