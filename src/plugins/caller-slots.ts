/**
 * What each caller holds open at once on this instance (WebSocket connections and SSE streams),
 * keyed like the rate limit: `account:<id>` when signed in, else `address:<ip>`.
 */
export class CallerSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes one of the key's slots: returns its release (safe to call twice), or null when all are held. */
  take(key: string): (() => void) | null {
    const count = this.held.get(key) ?? 0;
    if (count >= this.max) return null;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left === 0) this.held.delete(key);
      else this.held.set(key, left);
    };
  }
}
