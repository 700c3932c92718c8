/** The subscriber clients' latency histogram: fixed bins, so counting costs one increment. */

/**
 * The clock publish stamps and receipts are read on, in ms: Linux's CLOCK_MONOTONIC (Node's
 * hrtime), one clock for every process of the machine. `performance.timeOrigin` is sampled per
 * process at its start and can be off by however long that process waited for a core then: on a
 * loaded machine, tens of ms between publisher and client (negative latencies were seen).
 */
export function stampMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export const BIN_MS = 0.1;
/** Up to 10 s; later deliveries count in one overflow bin, `BINS`. */
export const BINS = 100_000;

/** The q-quantile (0..1), in ms, of histograms given as [bin, count] pairs (several merged); null for none. */
export function binQuantile(
  histograms: ReadonlyArray<ReadonlyArray<readonly [number, number]>>,
  q: number,
): number | null {
  const merged = new Map<number, number>();
  for (const pairs of histograms)
    for (const [bin, count] of pairs) merged.set(bin, (merged.get(bin) ?? 0) + count);
  let total = 0;
  for (const count of merged.values()) total += count;
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const bin of [...merged.keys()].sort((a, b) => a - b)) {
    seen += merged.get(bin) ?? 0;
    if (seen >= rank) return bin >= BINS ? Number.POSITIVE_INFINITY : (bin + 1) * BIN_MS;
  }
  return Number.POSITIVE_INFINITY;
}
