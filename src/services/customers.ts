import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { DocumentCollection, DocumentStore, Sort, StoredDoc } from '../datasources/ports/documents.js';
import { BadInputError, ConflictError, DuplicateKeyError, NotFoundError } from '../errors.js';
import { type CityStats, statsByCity } from './city-stats.js';
import { type CrashPoint, noCrash } from './crash-points.js';
import { type CustomerFilter, compileCustomerFilter } from './customer-filter.js';
import { isId, newId } from './ids.js';
import { INDEXES } from './indexes.js';
import { type Page, type PageArgs, paginate } from './pagination.js';
import type { SharedCache } from './shared-cache.js';
import { email, parseInput, text } from './validation.js';
import type { ViewCounts } from './views.js';

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
  /** Set while a delete checks for orders: a token naming that delete, and when it started. */
  deleting?: string;
  deletingAt?: Date;
}

/** What `placeable` says of a customer an order names. */
export type Placeable = 'ok' | 'missing' | 'deleting';

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

/** How long a delete waits for orders on their way to the customer to settle, and how often it looks. */
const PENDING_WAIT_MS = 2000;
const PENDING_POLL_MS = 20;

/** Customers: validation, filters and pagination over the document store. */
export class CustomerService {
  private readonly customers: DocumentCollection<CustomerDoc>;

  constructor(
    store: DocumentStore,
    private readonly views: ViewCounts,
    private readonly cache: SharedCache,
    /**
     * Asks the orders (which depend on this service, so the question is passed in by the wiring)
     * whether the customer has some stored (`placed`), only some on their way (`pending`), or none.
     */
    private readonly ordersOf: (customerId: string) => Promise<'placed' | 'pending' | 'none'>,
    /** How long a delete's mark stops orders: ORDER_PENDING_SECONDS. */
    private readonly deleteMarkMs = 60_000,
    /** The test hook DOCGATE_CRASH_AT; nothing in production. */
    private readonly crash: CrashPoint = noCrash,
  ) {
    this.customers = store.collection<CustomerDoc>(CUSTOMERS);
  }

  async ensureIndexes(): Promise<void> {
    await this.customers.ensureIndexes(INDEXES.customers);
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

  /**
   * Deletes a customer without orders; one with orders is a CONFLICT (orders keep their customer).
   * Without transactions, an order placed between the check and the delete would be orphaned, so
   * the customer is marked first (a token of this delete), and `placeable` refuses a marked
   * customer. An order records its intent before it looks at the customer, and the check looks
   * after the mark: either the order sees the mark, or the check sees the order. The delete is of
   * the marked document only, so a mark that an order cleared as stale voids it; a refused delete
   * takes its mark off.
   */
  async delete(id: string): Promise<boolean> {
    if (!isId(id)) return false;
    const token = newId();
    const marked = await this.customers.findOneAndUpdate(
      { _id: id },
      { $set: { deleting: token, deletingAt: new Date() } },
    );
    if (marked === null) return false;
    await this.crash('delete-after-mark');
    let deleted = false;
    try {
      if (await this.hasOrders(id))
        throw new ConflictError('this customer has orders and cannot be deleted', { field: 'id' });
      deleted = await this.customers.deleteOne({ _id: id, deleting: token });
      if (!deleted)
        throw new ConflictError('this customer changed while it was being deleted; try again', {
          field: 'id',
        });
    } finally {
      if (!deleted) await this.unmark(id, token);
      await this.cache.invalidate(CUSTOMERS, [id]);
    }
    return true;
  }

  /**
   * Whether an order may be placed for this customer: `deleting` while a delete holds its mark. A
   * mark older than `deleteMarkMs` is a crashed delete's: it is taken off (only that mark, so a
   * newer delete's stays) and the delete it belonged to, if it ever resumes, deletes nothing.
   */
  async placeable(id: string): Promise<Placeable> {
    const doc = isId(id) ? await this.customers.findOne({ _id: id }) : null;
    if (doc === null) return 'missing';
    if (doc.deleting === undefined) return 'ok';
    const age = Date.now() - (doc.deletingAt?.getTime() ?? 0);
    if (age < this.deleteMarkMs) return 'deleting';
    await this.unmark(id, doc.deleting);
    return this.placeable(id);
  }

  /**
   * Whether the marked customer has orders. Orders on their way are waited for (they saw the mark,
   * or will, and most are refused at once) up to PENDING_WAIT_MS, so a delete is not refused
   * for an order that never happens; one still on its way after that counts as an order.
   */
  private async hasOrders(id: string): Promise<boolean> {
    const until = Date.now() + PENDING_WAIT_MS;
    for (;;) {
      const orders = await this.ordersOf(id);
      if (orders !== 'pending' || Date.now() >= until) return orders !== 'none';
      await sleep(PENDING_POLL_MS);
    }
  }

  private async unmark(id: string, token: string): Promise<void> {
    await this.customers.findOneAndUpdate(
      { _id: id, deleting: token },
      { $unset: { deleting: '', deletingAt: '' } },
    );
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
    const filter = compileCustomerFilter(rawFilter);
    const order = orderBy ?? [];
    if (order.length > 5) throw new BadInputError('orderBy: at most 5 keys', 'orderBy');
    const sort: Array<readonly [string, 1 | -1]> = [];
    for (const o of order) {
      const field = sortFields[o.field];
      if (!sort.some(([f]) => f === field)) sort.push([field, o.direction === 'ASC' ? 1 : -1]);
      // The email is unique: the order is total there, and INDEXES' unique email index serves it.
      if (field === 'emailLower') break;
    }
    // Ties go by id in the last key's direction, so one index (field, _id) serves both directions.
    if (sort.at(-1)?.[0] !== 'emailLower') sort.push(['_id', sort.at(-1)?.[1] ?? 1]);
    return paginate(this.customers, filter, sort as Sort, args, toCustomer);
  }

  /** Counts a read of the customer with `customer(id)`. */
  recordView(id: string): Promise<number> {
    return this.views.record({ kind: 'customer', id });
  }

  /** One row per city: see city-stats.ts. */
  statsByCity(): Promise<CityStats[]> {
    return statsByCity(this.customers);
  }
}
