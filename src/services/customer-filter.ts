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

function depth(f: CustomerFilter): number {
  const children = [...(f.and ?? []), ...(f.or ?? []), ...(f.not ? [f.not] : [])];
  return 1 + Math.max(0, ...children.map(depth));
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
  const filter = raw == null ? {} : parseInput(customerFilter, raw, 'filter');
  if (depth(filter) > MAX_DEPTH)
    throw new BadInputError(`filter: nested at most ${MAX_DEPTH} deep`, 'filter');
  return compile(filter);
}
