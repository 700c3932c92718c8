import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SERVED_SECTIONS } from '../../codegen.js';
import { schema } from '../../src/schema/index.js';
import { ROOT, SHARED_CONTRACT_DIR } from '../helpers/repository.js';

const root = ROOT;
const copyDir = join(root, 'test', 'api', 'contract');
// The contract lives beside the repository, in ../shared/contract/.
const original = join(root, '..', 'shared', 'contract', 'operations.graphql');
const sections = readdirSync(copyDir)
  .filter((f) => f.endsWith('.graphql'))
  .sort();

describe('the client contract', () => {
  it('is copied whole and unchanged from shared/contract/operations.graphql', () => {
    const copy = sections.map((f) => readFileSync(join(copyDir, f), 'utf8')).join('');
    expect(copy).toBe(readFileSync(original, 'utf8'));
  });

  it.each(['LeaderboardUpdatedAfter', 'JobUpdatedAfter'])(
    "next.graphql's %s (event cursors) validates against the served schema",
    (name) => {
      const next = parse(readFileSync(join(SHARED_CONTRACT_DIR, 'next.graphql'), 'utf8'));
      const definitions = next.definitions.filter(
        (d) => d.kind === 'OperationDefinition' && d.name?.value === name,
      );
      expect(definitions).toHaveLength(1);
      expect(validate(schema, { ...next, definitions }).map((e) => e.message)).toEqual([]);
    },
  );

  it.each(SERVED_SECTIONS)('section %s validates against the served schema', (section) => {
    const errors = validate(schema, parse(readFileSync(join(copyDir, `${section}.graphql`), 'utf8')));
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
