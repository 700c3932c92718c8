import type { ObjectRef } from '@pothos/core';
import type { Page } from '../services/pagination.js';
import { type BuilderTypes, builder } from './builder.js';

type PageInfoShape = Page<unknown>['pageInfo'];

export const PageInfo = builder.objectRef<PageInfoShape>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
    startCursor: t.exposeString('startCursor', { nullable: true }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

/** A Relay connection type `<Name>Connection` with its edge type, over a service Page. */
export function connectionOf<N>(name: string, node: ObjectRef<BuilderTypes, N>) {
  const Edge = builder.objectRef<{ cursor: string; node: N }>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      // Pothos cannot narrow its resolver-result type for a generic N; the ref guarantees the shape.
      node: t.field({ type: node, resolve: (edge) => edge.node as never }),
    }),
  });
  return builder.objectRef<Page<N>>(`${name}Connection`).implement({
    fields: (t) => ({
      totalCount: t.int({
        description: 'Every match of the filter, across all pages.',
        resolve: (page) => page.totalCount(),
      }),
      pageInfo: t.field({ type: PageInfo, resolve: (page) => page.pageInfo }),
      edges: t.field({ type: [Edge], resolve: (page) => page.edges }),
    }),
  });
}
