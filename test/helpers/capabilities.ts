import { MongoClient } from 'mongodb';

/**
 * What the server behind a backend really does. MongoDB and the tests' FerretDB 2 on DocumentDB do
 * all of it; FerretDB 1.x does not. Suites assert the full behaviour where the server has it and
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

/**
 * Asks the server: FerretDB 1.x names itself in `buildInfo` with `ferretdbVersion`. FerretDB 2.x on
 * DocumentDB (the tests' server, `ferretdb: { version }`) has all three, the 11000 on
 * `findOneAndUpdate` through the patch that scripts/install-documentdb.sh applies.
 */
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
