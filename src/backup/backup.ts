import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import { serialize } from '../serializer.js';
import type { Manifest, StateSection } from './format.js';

/** A backup holds every account's password hash and every customer's personal data. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * Writes `records` as Extended-JSON lines, honouring back-pressure so memory stays flat; returns
 * how many, and the file's size and SHA-256 for the manifest.
 */
async function writeLines(
  path: string,
  records: AsyncIterable<unknown>,
): Promise<{ count: number; bytes: number; sha256: string }> {
  const out = createWriteStream(path, { encoding: 'utf8', mode: FILE_MODE });
  const hash = createHash('sha256');
  let count = 0;
  let bytes = 0;
  try {
    for await (const record of records) {
      const line = Buffer.from(`${serialize(record)}\n`, 'utf8');
      hash.update(line);
      bytes += line.length;
      if (!out.write(line)) await once(out, 'drain');
      count += 1;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { count, bytes, sha256: hash.digest('hex') };
}

/**
 * Backs up every collection of `documents` and every state section into `dir`, which must be
 * new or empty. Types survive (dates, ids, decimals) through canonical Extended JSON. Every file
 * is its owner's only (0600), and the manifest records each one's size and checksum.
 */
export async function backup(
  documents: DocumentStore,
  sections: readonly StateSection[],
  dir: string,
  source: Manifest['source'],
): Promise<Manifest> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`backup directory ${dir} is not empty`);
  mkdirSync(join(dir, 'documents'), { recursive: true, mode: DIR_MODE });
  mkdirSync(join(dir, 'state'), { recursive: true, mode: DIR_MODE });
  const collections = [];
  for (const name of await documents.collectionNames()) {
    const file = join(dir, 'documents', `${name}.ejsonl`);
    collections.push({ name, ...(await writeLines(file, documents.collection<StoredDoc>(name).scan())) });
  }
  const state = [];
  for (const section of sections) {
    const file = join(dir, 'state', `${section.name}.ejsonl`);
    state.push({ name: section.name, ...(await writeLines(file, section.dump())) });
  }
  const manifest: Manifest = {
    format: 'docgate-backup',
    version: 2,
    createdAt: new Date().toISOString(),
    source,
    collections,
    state,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: FILE_MODE });
  return manifest;
}
