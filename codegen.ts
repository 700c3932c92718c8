import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import {
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  parse,
  print,
  printSchema,
  visit,
} from 'graphql';
import { schema } from './src/schema/index.js';
import { sha256Hex } from './src/services/trusted-documents.js';

/**
 * Prints `schema.graphql` from the Pothos schema and generates typed documents for the contract
 * operations (the sections of `test/api/contract/` named below). With `--check`, writes nothing and fails when
 * either committed file is stale.
 */

/**
 * The contract sections the schema serves so far. The copy under test/api/contract/ is the whole
 * contract, split by section (a test keeps it equal to ../shared/contract/operations.graphql);
 * a section joins this list when its issue lands.
 */
export const SERVED_SECTIONS = [
  '01-documents',
  '02-accounts',
  '03-leaderboards',
  '04-jobs',
  '05-presence',
  '06-operations',
];

/** The file TRUSTED_DOCUMENTS names in production: the contract operations clients ship. */
export const PERSISTED_DOCUMENTS = 'persisted-documents.json';

/**
 * The persisted-documents manifest of GraphQL Code Generator's client preset, `{ "<sha256>":
 * "<document>" }`, for the contract operations: each operation printed with the fragments it
 * spreads, after it, as typed-document-node builds the documents clients send
 * (test/unit/persisted-documents.test.ts keeps the two equal). Written here rather than by the
 * client preset, whose other outputs (a second set of typed documents) the tests do not use.
 */
export function persistedDocuments(sources: readonly string[]): Record<string, string> {
  const definitions: DefinitionNode[] = sources.flatMap((text) => parse(text).definitions);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const spreadIn = (node: DefinitionNode): Set<string> => {
    const names = new Set<string>();
    const add = (from: DefinitionNode) =>
      visit(from, {
        FragmentSpread(spread) {
          const name = spread.name.value;
          const fragment = fragments.get(name);
          if (names.has(name) || fragment === undefined) return;
          names.add(name);
          add(fragment);
        },
      });
    add(node);
    return names;
  };
  const manifest: Record<string, string> = {};
  for (const d of definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const used = [...spreadIn(d)].flatMap((name) => fragments.get(name) ?? []);
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [d, ...used] };
    const text = print(document);
    manifest[sha256Hex(text)] = text;
  }
  return manifest;
}

/**
 * A generated TypeScript file as Biome would leave it (`biome check --write` on its text), so the
 * committed file passes `npm run lint` with no exclusion and `--check` still compares exact text.
 */
function biomeFormatted(file: string, content: string): string {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  return execFileSync(process.execPath, [biome, 'check', '--write', `--stdin-file-path=${file}`], {
    input: content,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function main(check: boolean): Promise<void> {
  const sdl = `${printSchema(schema)}\n`;

  const outputs = await generate(
    {
      schema: sdl,
      documents: SERVED_SECTIONS.map((name) => `test/api/contract/${name}.graphql`),
      silent: true,
      generates: {
        'test/generated/operations.ts': {
          plugins: ['typescript-operations', 'typed-document-node'],
          config: {
            useTypeImports: true,
            scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
            enumsAsTypes: true,
            avoidOptionals: { field: true, inputValue: false, object: true },
          },
        },
      },
    },
    false,
  );

  const files = new Map<string, string>([['schema.graphql', sdl]]);
  const contract = SERVED_SECTIONS.map((name) => readFileSync(`test/api/contract/${name}.graphql`, 'utf8'));
  files.set(PERSISTED_DOCUMENTS, `${JSON.stringify(persistedDocuments(contract), null, 2)}\n`);
  for (const output of outputs) files.set(output.filename, biomeFormatted(output.filename, output.content));

  const stale: string[] = [];
  for (const [file, content] of files) {
    let current: string | null = null;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = null;
    }
    if (current === content) continue;
    if (check) stale.push(file);
    else writeFileSync(file, content);
  }
  if (stale.length > 0) {
    console.error(`stale generated files: ${stale.join(', ')}; run npm run codegen and commit them`);
    process.exitCode = 1;
    return;
  }
  console.log(check ? 'generated files are up to date' : `wrote ${[...files.keys()].join(', ')}`);
}

// Run only as a script, so tests can import SERVED_SECTIONS without generating anything.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.includes('--check'));
}
