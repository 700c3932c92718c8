import type { DocumentCollection, StoredDoc } from '../datasources/ports/documents.js';
import { UnsupportedQueryError } from '../errors.js';

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
  customers: ReadonlyArray<Pick<CustomerStatsDoc, 'age' | 'addresses'>>,
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

/** What the statistics read of a customer document. */
interface CustomerStatsDoc extends StoredDoc {
  age?: number | null;
  addresses: ReadonlyArray<{ city: string }>;
}

/**
 * One row per city: distinct customers with an address there and their mean age, as one
 * pipeline, or computed here where the server refuses the pipeline.
 */
export async function statsByCity(customers: DocumentCollection<CustomerStatsDoc>): Promise<CityStats[]> {
  try {
    return await customers.aggregate<CityStats>(STATS_BY_CITY);
  } catch (error) {
    if (!(error instanceof UnsupportedQueryError)) throw error;
    return statsFromCustomers(await customers.find({ 'addresses.0': { $exists: true } }));
  }
}
