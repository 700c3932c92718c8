/** Stream entry ids (`<ms>-<seq>`), as Redis makes them, for the in-process log and for checks. */
export interface EventId {
  ms: number;
  seq: number;
}

const ID = /^(\d{1,15})-(\d{1,15})$/;

/** null for a string that is not an entry id. */
export function parseEventId(text: string): EventId | null {
  const match = ID.exec(text);
  if (match === null) return null;
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

export function formatEventId(id: EventId): string {
  return `${id.ms}-${id.seq}`;
}

/** Negative when `a` is older than `b`. */
export function compareEventIds(a: EventId, b: EventId): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.seq - b.seq;
}

/** The id XADD * would give after `last` at time `now` (the clock never goes back along a log). */
export function nextEventId(last: EventId | null, now: number): EventId {
  if (last === null || now > last.ms) return { ms: now, seq: 0 };
  return { ms: last.ms, seq: last.seq + 1 };
}
