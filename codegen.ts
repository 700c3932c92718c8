import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';
import { schema } from './src/schema/index.js';

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
  for (const output of outputs) files.set(output.filename, output.content);

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
