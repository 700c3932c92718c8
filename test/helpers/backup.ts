import { stateSections } from '../../src/backup/sections.js';
import type { StoredDoc } from '../../src/datasources/ports/documents.js';
import type { TestApp } from './app.js';

/** Everything a backup must carry, read back from an app's backends in a comparable form. */
export async function contents(t: TestApp) {
  const documents: Record<string, StoredDoc[]> = {};
  for (const name of await t.backends.documents.collectionNames()) {
    const docs: StoredDoc[] = [];
    for await (const doc of t.backends.documents.collection<StoredDoc>(name).scan()) docs.push(doc);
    if (docs.length > 0) documents[name] = docs;
  }
  const state: Record<string, unknown[]> = {};
  for (const section of stateSections(t.backends)) {
    const records: unknown[] = [];
    for await (const record of section.dump()) records.push(record);
    state[section.name] = records.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return { documents, state };
}

/** Where a backup came from, as its manifest records it. */
export const sourceOf = (t: TestApp) => ({
  documents: t.backends.documents.kind,
  redis: t.backends.family === 'redis',
});
