import { type Cache, type CacheEntityRecord, useResponseCache } from '@envelop/response-cache';
import {
  type DocumentNode,
  type ExecutionResult,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { ResponseCacheStore } from '../datasources/ports/response-cache.js';

export interface ResponseCacheOptions {
  store: ResponseCacheStore;
  /** Entry lifetime; 0 turns the cache off (RESPONSE_CACHE_TTL_SECONDS). */
  ttlSeconds: number;
}

/**
 * Fields whose answer is never cached, and so neither is any response holding one: what depends on
 * the caller rather than the role (`me`, `session`, `rateLimit`, `job` by owner), what changes
 * without a mutation (`onlineUsers`, `queue`, `serverStats`, leaderboards, moved by scores), and
 * the view counters: `customer(id)` counts a read each time it runs, so it is not cached (a hit
 * would not count), and `viewCount` fields are not cached so they stay exact.
 */
export const NOT_CACHED: Readonly<Record<string, number>> = {
  'Query.me': 0,
  'Query.session': 0,
  'Query.rateLimit': 0,
  'Query.job': 0,
  'Query.onlineUsers': 0,
  'Query.queue': 0,
  'Query.serverStats': 0,
  'Query.leaderboard': 0,
  'Query.customer': 0,
  'Customer.viewCount': 0,
  'Product.viewCount': 0,
};

/**
 * The tags each mutation drops: entity types (every response holding a `Customer` goes, not only
 * those holding `Customer:<id>`: an update can move one in or out of a filtered, sorted page) and
 * root query fields (`Query.customers`: a new customer belongs in lists that held none, empty
 * ones included, and `customerStatsByCity` counts customers without holding any).
 */
export const CHANGES: Readonly<Record<string, readonly string[]>> = {
  createCustomer: ['Customer', 'Query.customers', 'Query.customerStatsByCity'],
  updateCustomer: ['Customer', 'Query.customers', 'Query.customerStatsByCity'],
  deleteCustomer: ['Customer', 'Query.customers', 'Query.customerStatsByCity', 'Query.orders'],
  createProduct: ['Product', 'Query.product'],
  recordProductView: ['Product'],
  placeOrder: ['Order', 'Product', 'Customer', 'Query.orders'],
};

/** The root fields an operation selects, by name (aliases do not matter), remembered per document. */
const rootFieldsByDocument = new WeakMap<DocumentNode, string[]>();
function rootFields(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const known = rootFieldsByDocument.get(document);
  if (known !== undefined) return known;
  const names = new Set<string>();
  const add = (selections: OperationDefinitionNode['selectionSet']['selections']) => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) add(selection.selectionSet.selections);
    }
  };
  add(operation.selectionSet.selections);
  const fields = [...names];
  rootFieldsByDocument.set(document, fields);
  return fields;
}

/** The tags of an entry: its root fields (`Query.customers`), each entity's type, and type and id. */
function tagsOf(roots: readonly string[], entities: Iterable<CacheEntityRecord>): string[] {
  const tags = new Set<string>(roots.map((name) => `Query.${name}`));
  for (const { typename, id } of entities) {
    tags.add(typename);
    if (id !== undefined) tags.add(`${typename}:${id}`);
  }
  return [...tags];
}

/**
 * envelop's Cache over the store, for one request: it keeps the generation its read saw, so the
 * store refuses its result if a write happened in between. The cache is a shortcut, never a
 * dependency: a store that does not answer is a miss, and a failed store is dropped.
 */
function requestCache(store: ResponseCacheStore, roots: readonly string[]): Cache {
  let generation: string | null = null;
  return {
    async get(key) {
      try {
        const read = await store.get(key);
        generation = read.generation;
        return read.body === null ? null : (JSON.parse(read.body) as ExecutionResult);
      } catch {
        return null;
      }
    },
    set(key, data, entities, ttl) {
      if (generation === null) return;
      store.set(key, JSON.stringify(data), tagsOf(roots, entities), ttl, generation).catch(() => undefined);
    },
    // Mutations are handled by tagsAndInvalidation, which waits for the store.
    invalidate() {},
  };
}

/**
 * Before the cache looks a query up, notes its root fields for the entry's tags; after a mutation
 * has run, and before its answer leaves, drops the responses tagged with what it changed, on every
 * instance (envelop's own invalidation does not wait for the store, and finds no entity in
 * `deleteCustomer`'s Boolean). A read after the answer never sees the old response.
 */
function tagsAndInvalidation(store: ResponseCacheStore, roots: WeakMap<object, string[]>): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation == null) return;
      if (operation.operation === 'query') {
        if (typeof args.contextValue === 'object' && args.contextValue !== null)
          roots.set(args.contextValue, rootFields(args.document, operation));
        return;
      }
      if (operation.operation !== 'mutation') return;
      const tags = new Set<string>();
      for (const name of rootFields(args.document, operation))
        for (const tag of CHANGES[name] ?? []) tags.add(tag);
      if (tags.size === 0) return;
      setExecuteFn(async (executionArgs) => {
        const result = await executeFn(executionArgs);
        await store.invalidate([...tags]);
        return result;
      });
    },
  };
}

/**
 * Query responses cached per role (an ADMIN and a USER may see different fields; the fields that
 * differ per caller are in NOT_CACHED), shared by every instance through the store, invalidated by
 * mutations (CHANGES) and by TTL. Goes after useJit, whose executor it wraps.
 */
export function responseCachePlugins(options: ResponseCacheOptions): Plugin[] {
  if (options.ttlSeconds === 0) return [];
  const roots = new WeakMap<object, string[]>();
  return [
    // First: the root fields are noted before the cache reads.
    tagsAndInvalidation(options.store, roots),
    useResponseCache<Context>({
      session: (context) => context.caller?.role ?? 'ANONYMOUS',
      cache: (context) => requestCache(options.store, roots.get(context) ?? []),
      ttl: options.ttlSeconds * 1000,
      ttlPerSchemaCoordinate: { ...NOT_CACHED },
      invalidateViaMutation: false,
      includeExtensionMetadata: false,
    }) as Plugin,
  ];
}
