import type { Counters } from '../datasources/ports/counters.js';

/** Something whose reads are counted: a customer read with `customer(id)`, a product view. */
export interface Viewed {
  kind: 'customer' | 'product';
  id: string;
}

/** The counter of a thing's views: the one place its key is spelled (backups hold these keys). */
export function viewCountKey({ kind, id }: Viewed): string {
  return `${kind}:${id}:views`;
}

/** View counts, kept in the counters backend, never written to the documents per view. */
export class ViewCounts {
  constructor(private readonly counters: Counters) {}

  /** Counts one view and returns the new count. */
  record(viewed: Viewed): Promise<number> {
    return this.counters.increment(viewCountKey(viewed));
  }

  /** Counts in the order asked, 0 for a thing never viewed (the loader's batch). */
  counts(viewed: readonly Viewed[]): Promise<number[]> {
    return this.counters.get(viewed.map(viewCountKey));
  }
}
