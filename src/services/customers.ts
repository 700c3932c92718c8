import { z } from 'zod';
import type { Counters } from '../datasources/ports/counters.js';
import type {
  DocumentCollection,
  DocumentStore,
  Filter,
  Sort,
  StoredDoc,
} from '../datasources/ports/documents.js';
import {
  BadInputError,
  ConflictError,
  DuplicateKeyError,
  NotFoundError,
  UnsupportedQueryError,
} from '../errors.js';
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
import { isId, newId } from './ids.js';
import { type Page, type PageArgs, paginate } from './pagination.js';
import type { SharedCache } from './shared-cache.js';
import { email, parseInput, text } from './validation.js';

export interface Address {
  type: string | null;
  street: string | null;
  city: string;
  postalCode: string | null;
}

export interface Customer {
  id: string;
  lastName: string;
  firstName: string;
  age: number | null;
  email: string;
  skills: string[];
  addresses: Address[];
  registeredAt: Date;
}

interface CustomerDoc extends StoredDoc {
  lastName: string;
  firstName: string;
  age?: number | null;
  email: string;
  /** The email lower-cased: the unique index is on it, so uniqueness ignores case on every backend. */
  emailLower: string;
  skills: string[];
  addresses: Address[];
  registeredAt: Date;
}

const address = z
  .object({
    type: text(30).nullish(),
    street: text(200).nullish(),
    city: text(100),
    postalCode: text(20).nullish(),
  })
  .transform((a) => ({
    type: a.type ?? null,
    street: a.street ?? null,
    city: a.city,
    postalCode: a.postalCode ?? null,
  }));

const age = z.number().int('must be a whole number').min(0, 'must be 0..150').max(150, 'must be 0..150');
const skills = z.array(text(50)).max(50, 'at most 50 skills');
const addresses = z.array(address).max(10, 'at most 10 addresses');

const createInput = z.object({
  lastName: text(100),
  firstName: text(100),
  email,
  age: age.nullish(),
  skills: skills.nullish(),
  addresses: addresses.nullish(),
});

/** A patch may leave a field out, but only `age` may be cleared with null. */
const notNull = <T extends z.ZodType>(schema: T) =>
  schema.nullish().refine((v) => v !== null, 'must not be null') as unknown as z.ZodOptional<T>;

const updateInput = z.object({
  lastName: notNull(text(100)),
  firstName: notNull(text(100)),
  email: notNull(email),
  age: age.nullish(),
  skills: notNull(skills),
  addresses: notNull(addresses),
});

export interface UpdateCustomerInput
  extends Partial<Record<'lastName' | 'firstName' | 'email', string | null>> {
  age?: number | null;
  skills?: string[] | null;
  addresses?: CreateCustomerInput['addresses'];
}

export type CreateCustomerInput = z.input<typeof createInput>;

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

export type CustomerSortField = 'LAST_NAME' | 'FIRST_NAME' | 'AGE' | 'EMAIL' | 'REGISTERED_AT';
export interface CustomerOrder {
  field: CustomerSortField;
  direction: 'ASC' | 'DESC';
}

const sortFields: Record<CustomerSortField, string> = {
  LAST_NAME: 'lastName',
  FIRST_NAME: 'firstName',
  AGE: 'age',
  EMAIL: 'emailLower',
  REGISTERED_AT: 'registeredAt',
};

function depth(f: CustomerFilter): number {
  const children = [...(f.and ?? []), ...(f.or ?? []), ...(f.not ? [f.not] : [])];
  return 1 + Math.max(0, ...children.map(depth));
}

function compileFilter(f: CustomerFilter): Filter {
  const lower = (v: string) => v.toLowerCase();
  const conditions: Filter[] = [
    ...(f.lastName ? compileString('lastName', f.lastName) : []),
    ...(f.firstName ? compileString('firstName', f.firstName) : []),
    ...(f.email ? compileString('emailLower', f.email, lower) : []),
    ...(f.age ? compileInt('age', f.age) : []),
    ...(f.skills ? compileList('skills', f.skills) : []),
  ];
  if (f.city != null) conditions.push({ 'addresses.city': f.city });
  if (f.and != null && f.and.length > 0) conditions.push({ $and: f.and.map(compileFilter) });
  if (f.or != null && f.or.length > 0) conditions.push({ $or: f.or.map(compileFilter) });
  if (f.not != null) conditions.push({ $nor: [compileFilter(f.not)] });
  return allOf(conditions);
}

function toCustomer(doc: CustomerDoc): Customer {
  return {
    id: doc._id,
    lastName: doc.lastName,
    firstName: doc.firstName,
    age: doc.age ?? null,
    email: doc.email,
    skills: doc.skills,
    addresses: doc.addresses,
    registeredAt: doc.registeredAt,
  };
}

function conflictOnDuplicate(error: unknown): never {
  if (error instanceof DuplicateKeyError)
    throw new ConflictError('a customer with this email already exists', { field: 'email' });
  throw error;
}

export const CUSTOMERS = 'customers';

/** Customers: validation, filters and pagination over the document store. */
export class CustomerService {
  private readonly customers: DocumentCollection<CustomerDoc>;

  constructor(
    store: DocumentStore,
    private readonly counters: Counters,
    private readonly cache: SharedCache,
  ) {
    this.customers = store.collection<CustomerDoc>(CUSTOMERS);
  }

  async ensureIndexes(): Promise<void> {
    await this.customers.ensureIndexes([
      { name: 'email_unique', keys: [['emailLower', 1]], unique: true },
      { name: 'lastName', keys: [['lastName', 1]] },
      { name: 'addresses_city', keys: [['addresses.city', 1]] },
    ]);
  }

  async create(raw: CreateCustomerInput): Promise<Customer> {
    const input = parseInput(createInput, raw);
    const doc: CustomerDoc = {
      _id: newId(),
      lastName: input.lastName,
      firstName: input.firstName,
      email: input.email,
      emailLower: input.email.toLowerCase(),
      skills: input.skills ?? [],
      addresses: input.addresses ?? [],
      registeredAt: new Date(),
      ...(input.age == null ? {} : { age: input.age }),
    };
    await this.customers.insertOne(doc).catch(conflictOnDuplicate);
    return toCustomer(doc);
  }

  async update(id: string, raw: UpdateCustomerInput): Promise<Customer> {
    const input = parseInput(updateInput, raw);
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    for (const key of ['lastName', 'firstName', 'skills', 'addresses'] as const) {
      if (input[key] !== undefined) set[key] = input[key];
    }
    if (input.email !== undefined) {
      set.email = input.email;
      set.emailLower = input.email.toLowerCase();
    }
    if (input.age === null) unset.age = '';
    else if (input.age !== undefined) set.age = input.age;
    const update: Record<string, unknown> = {};
    if (Object.keys(set).length > 0) update.$set = set;
    if (Object.keys(unset).length > 0) update.$unset = unset;
    const found = isId(id)
      ? Object.keys(update).length === 0
        ? await this.customers.findOne({ _id: id })
        : await this.customers.findOneAndUpdate({ _id: id }, update).catch(conflictOnDuplicate)
      : null;
    if (found === null) throw new NotFoundError('no customer with this id', { field: 'id' });
    if (Object.keys(update).length > 0) await this.cache.invalidate(CUSTOMERS, [id]);
    return toCustomer(found);
  }

  /** Deletes a customer without orders; one with orders is a CONFLICT (orders keep their customer). */
  async delete(id: string, hasOrders: (customerId: string) => Promise<boolean>): Promise<boolean> {
    if (!isId(id)) return false;
    if (await hasOrders(id))
      throw new ConflictError('this customer has orders and cannot be deleted', { field: 'id' });
    const deleted = await this.customers.deleteOne({ _id: id });
    await this.cache.invalidate(CUSTOMERS, [id]);
    return deleted;
  }

  /** Batch read for loaders, through the shared cache: results in key order, null for a missing id. */
  async byIds(ids: readonly string[]): Promise<Array<Customer | null>> {
    const byId = await this.cache.byIds(
      CUSTOMERS,
      ids.filter(isId),
      async (missing) => (await this.customers.find({ _id: { $in: missing } })).map(toCustomer),
      (customer) => customer.id,
    );
    return ids.map((id) => byId.get(id) ?? null);
  }

  async list(
    rawFilter: CustomerFilter | null | undefined,
    orderBy: readonly CustomerOrder[] | null | undefined,
    args: PageArgs,
  ): Promise<Page<Customer>> {
    const filter = rawFilter == null ? {} : parseInput(customerFilter, rawFilter, 'filter');
    if (depth(filter) > MAX_DEPTH)
      throw new BadInputError(`filter: nested at most ${MAX_DEPTH} deep`, 'filter');
    const order = orderBy ?? [];
    if (order.length > 5) throw new BadInputError('orderBy: at most 5 keys', 'orderBy');
    const sort: Array<readonly [string, 1 | -1]> = [];
    for (const o of order) {
      const field = sortFields[o.field];
      if (!sort.some(([f]) => f === field)) sort.push([field, o.direction === 'ASC' ? 1 : -1]);
    }
    sort.push(['_id', 1]);
    return paginate(this.customers, compileFilter(filter), sort as Sort, args, toCustomer);
  }

  async recordView(id: string): Promise<number> {
    return this.counters.increment(`customer:${id}:views`);
  }

  /** One row per city: distinct customers with an address there and their mean age, as one pipeline. */
  async statsByCity(): Promise<CityStats[]> {
    try {
      return await this.customers.aggregate<CityStats>(STATS_BY_CITY);
    } catch (error) {
      if (!(error instanceof UnsupportedQueryError)) throw error;
      return statsFromCustomers(await this.customers.find({ 'addresses.0': { $exists: true } }));
    }
  }
}

export interface CityStats {
  city: string;
  customers: number;
  averageAge: number | null;
}

const STATS_BY_CITY = [
  { $unwind: '$addresses' },
  { $group: { _id: { city: '$addresses.city', customer: '$_id' }, age: { $first: '$age' } } },
  { $group: { _id: '$_id.city', customers: { $sum: 1 }, averageAge: { $avg: '$age' } } },
  { $sort: { customers: -1, _id: 1 } },
  { $project: { _id: 0, city: '$_id', customers: 1, averageAge: 1 } },
];

/**
 * The same rows computed in the gateway, for MongoDB-compatible servers that refuse the pipeline
 * (FerretDB 1.x has no `$first` / `$avg` in `$group`, and its `$unwind` drops sibling fields).
 */
export function statsFromCustomers(
  customers: ReadonlyArray<Pick<CustomerDoc, 'age' | 'addresses'>>,
): CityStats[] {
  const byCity = new Map<string, { customers: number; ageSum: number; withAge: number }>();
  for (const customer of customers) {
    for (const city of new Set(customer.addresses.map((a) => a.city))) {
      const entry = byCity.get(city) ?? { customers: 0, ageSum: 0, withAge: 0 };
      entry.customers += 1;
      if (typeof customer.age === 'number') {
        entry.ageSum += customer.age;
        entry.withAge += 1;
      }
      byCity.set(city, entry);
    }
  }
  return [...byCity]
    .map(([city, e]) => ({
      city,
      customers: e.customers,
      averageAge: e.withAge === 0 ? null : e.ageSum / e.withAge,
    }))
    .sort((a, b) => b.customers - a.customers || (a.city < b.city ? -1 : a.city > b.city ? 1 : 0));
}
