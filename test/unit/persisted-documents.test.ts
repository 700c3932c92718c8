import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DocumentNode, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTrustedDocuments, sha256Hex } from '../../src/services/trusted-documents.js';
import * as generated from '../generated/operations.js';
import { ROOT } from '../helpers/repository.js';

const isOperation = (doc: DocumentNode) => doc.definitions[0]?.kind === 'OperationDefinition';

describe('the persisted-documents manifest (npm run codegen)', () => {
  const manifest = loadTrustedDocuments(join(ROOT, 'persisted-documents.json'));

  it('lists exactly the documents the typed contract operations send, under their sha256', () => {
    const sent = Object.entries(generated)
      .filter(([name]) => name.endsWith('Document'))
      .map(([, doc]) => doc as DocumentNode)
      .filter(isOperation)
      .map((doc) => print(doc));
    expect(sent.length).toBeGreaterThan(20);
    expect(new Set(sent.map(sha256Hex))).toEqual(new Set(manifest.byHash.keys()));
  });

  it('refuses a manifest whose hash does not match its document, or that lists none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trusted-'));
    const forged = join(dir, 'forged.json');
    writeFileSync(forged, JSON.stringify({ [sha256Hex('query A { a }')]: 'query B { b }' }));
    expect(() => loadTrustedDocuments(forged)).toThrow(/not a document under its sha256/);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    expect(() => loadTrustedDocuments(empty)).toThrow(/lists no document/);
    expect(() => loadTrustedDocuments(join(dir, 'absent.json'))).toThrow(/cannot read/);
  });
});
