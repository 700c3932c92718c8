import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SERVED_SECTIONS } from '../../codegen.js';
import { schema } from '../../src/schema/index.js';

const copyDir = fileURLToPath(new URL('../contract/', import.meta.url));
const original = fileURLToPath(new URL('../../../shared/contract/operations.graphql', import.meta.url));
const sections = readdirSync(copyDir)
  .filter((f) => f.endsWith('.graphql'))
  .sort();

describe('the client contract', () => {
  it('is copied whole and unchanged from shared/contract/operations.graphql', () => {
    const copy = sections.map((f) => readFileSync(`${copyDir}${f}`, 'utf8')).join('');
    expect(copy).toBe(readFileSync(original, 'utf8'));
  });

  it.each(SERVED_SECTIONS)('section %s validates against the served schema', (section) => {
    const errors = validate(schema, parse(readFileSync(`${copyDir}${section}.graphql`, 'utf8')));
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
