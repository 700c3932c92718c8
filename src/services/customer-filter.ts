import { z } from 'zod';
import type { Filter } from '../datasources/ports/documents.js';
import { BadInputError } from '../errors.js';
import {
  allOf,
  compileInt,
  compileList,
  compileString,
  intFilter,
  listFilter,
  MAX_DEPTH,
  MAX_TERMS,
  stringFilter,
} from './filters.js';
import { parseInput, text } from './validation.js';

/** The `CustomerFilter` input: declared here once; the schema's input type takes this shape. */
export interface CustomerFilter {
  lastName?: z.input<typeof stringFilter> | null;
  firstName?: z.input<typeof stringFilter> | null;
  email?: z.input<typeof stringFilter> | null;
  age?: z.input<typeof intFilter> | null;
  skills?: z.input<typeof listFilter> | null;
  city?: string | null;
  and?: CustomerFilter[] | null;
  or?: CustomerFilter[] | null;
  not?: CustomerFilter | null;
}

const customerFilter: z.ZodType<CustomerFilter> = z.lazy(() =>
  z
    .object({
      lastName: stringFilter.nullish(),
      firstName: stringFilter.nullish(),
      email: stringFilter.nullish(),
      age: intFilter.nullish(),
      skills: listFilter.nullish(),
      city: text(100).nullish(),
      and: z.array(customerFilter).max(20).nullish(),
      or: z.array(customerFilter).max(20).nullish(),
      not: customerFilter.nullish(),
    })
    .strict(),
);

/**
 * How deep filters nest (through `and`, `or`, `not`) and how many values they hold, walked with an
 * explicit stack and given up past the bounds, so neither a deep nor a wide input costs more than
 * the bounds themselves before it is refused.
 */
function measure(raw: unknown): { depth: number; terms: number } {
  let depth = 0;
  let terms = 0;
  // [node, filter level, whether the node is a filter (else a part of one: an operator, a list)]
  const stack: Array<[unknown, number, boolean]> = [[raw, 1, true]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, level, isFilter] = top;
    if (node === null || node === undefined) continue;
    if (typeof node !== 'object') {
      terms += 1;
      if (terms > MAX_TERMS) break;
      continue;
    }
    if (isFilter) depth = Math.max(depth, level);
    if (depth > MAX_DEPTH) break;
    for (const [key, value] of Object.entries(node)) {
      const nested = isFilter && (key === 'and' || key === 'or' || key === 'not');
      for (const child of Array.isArray(value) ? value : [value])
        stack.push(nested ? [child, level + 1, true] : [child, level, false]);
    }
  }
  return { depth, terms };
}

/**
 * How many values a client's filter holds (counted up to just past `MAX_TERMS`, where it is
 * refused): what the operation's cost adds for it (src/plugins/use-filter-cost.ts).
 */
export function filterTerms(raw: unknown): number {
  return measure(raw).terms;
}

function compile(f: CustomerFilter): Filter {
  const lower = (v: string) => v.toLowerCase();
  const conditions: Filter[] = [
    ...(f.lastName ? compileString('lastName', f.lastName) : []),
    ...(f.firstName ? compileString('firstName', f.firstName) : []),
    ...(f.email ? compileString('emailLower', f.email, lower) : []),
    ...(f.age ? compileInt('age', f.age) : []),
    ...(f.skills ? compileList('skills', f.skills) : []),
  ];
  if (f.city != null) conditions.push({ 'addresses.city': f.city });
  if (f.and != null && f.and.length > 0) conditions.push({ $and: f.and.map(compile) });
  if (f.or != null && f.or.length > 0) conditions.push({ $or: f.or.map(compile) });
  if (f.not != null) conditions.push({ $nor: [compile(f.not)] });
  return allOf(conditions);
}

/** Checks a client's filter (shape, sizes, depth) and compiles it to a store filter. */
export function compileCustomerFilter(raw: CustomerFilter | null | undefined): Filter {
  const { depth, terms } = measure(raw);
  if (depth > MAX_DEPTH) throw new BadInputError(`filter: nested at most ${MAX_DEPTH} deep`, 'filter');
  if (terms > MAX_TERMS) throw new BadInputError(`filter: at most ${MAX_TERMS} terms (values)`, 'filter');
  const filter = raw == null ? {} : parseInput(customerFilter, raw, 'filter');
  return compile(filter);
}
