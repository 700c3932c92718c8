import calculateSlot from 'cluster-key-slot';
import { inRanges, SLOT_COUNT } from './cluster-nodes.js';

/**
 * One key per hash slot, `${prefix}${n}`, indexed by slot: `keys[slot]` lives in that slot.
 * Takes about 170,000 hashes (~0.1 s), so build it once per prefix.
 */
export function keysForEverySlot(prefix: string): string[] {
  const keys = new Array<string>(SLOT_COUNT).fill('');
  let missing = SLOT_COUNT;
  for (let n = 0; missing > 0; n++) {
    const key = `${prefix}${n}`;
    const slot = calculateSlot(key);
    if (keys[slot] === '') {
      keys[slot] = key;
      missing--;
    }
  }
  return keys;
}

/** The keys of `keysForEverySlot` whose slots are in `ranges` (a master's slots), in slot order. */
export function keysIn(keys: readonly string[], ranges: ReadonlyArray<readonly [number, number]>): string[] {
  return keys.filter((_, slot) => inRanges(slot, ranges));
}
