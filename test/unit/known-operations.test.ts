import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { KNOWN_OPERATIONS, operationLabel } from '../../src/plugins/known-operations.js';
import { CONTRACT_COPY_DIR, SHARED_CONTRACT_DIR } from '../helpers/repository.js';

const copyDir = `${CONTRACT_COPY_DIR}/`;
const next = join(SHARED_CONTRACT_DIR, 'next.graphql');

function operationNames(source: string): string[] {
  return parse(source).definitions.flatMap((d) =>
    d.kind === 'OperationDefinition' && d.name !== undefined ? [d.name.value] : [],
  );
}

describe('the operations /metrics labels by name', () => {
  it('are exactly those of the contract, current and next', () => {
    const copy = readdirSync(copyDir).filter((f) => f.endsWith('.graphql'));
    const contract = copy.map((f) => readFileSync(`${copyDir}${f}`, 'utf8')).join('\n');
    const names = [...operationNames(contract), ...operationNames(readFileSync(next, 'utf8'))];
    expect([...KNOWN_OPERATIONS].sort()).toEqual([...new Set(names)].sort());
  });

  it('label any other name as other, and none as Anonymous', () => {
    expect(operationLabel('Customers')).toBe('Customers');
    expect(operationLabel('customers')).toBe('other');
    expect(operationLabel('Junk123')).toBe('other');
    expect(operationLabel(undefined)).toBe('Anonymous');
  });
});
