import { MongoClient } from 'mongodb';

/**
 * What the server behind a backend really does. MongoDB does all of it; FerretDB 1.x does not,
 * and the README lists each gap. Suites assert the full behaviour where the server has it and
 * the most that can be checked where it does not: they never skip.
 */
export interface Capabilities {
  /** Conditional findAndModify / update are atomic against concurrent writers. */
  atomicConditionalUpdates: boolean;
  /** A unique-index violation on an update is error 11000 (DuplicateKey). */
  duplicateKeyOnUpdate: boolean;
  /** `$group` has the `$first` and `$avg` accumulators. */
  groupAccumulators: boolean;
}

export const FULL: Capabilities = {
  atomicConditionalUpdates: true,
  duplicateKeyOnUpdate: true,
  groupAccumulators: true,
};

/** Asks the server: FerretDB names itself in `buildInfo`. */
export async function mongoCapabilities(url: string): Promise<Capabilities> {
  const client = new MongoClient(url);
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = 'ferretdbVersion' in info;
    return ferret
      ? { atomicConditionalUpdates: false, duplicateKeyOnUpdate: false, groupAccumulators: false }
      : FULL;
  } finally {
    await client.close();
  }
}
