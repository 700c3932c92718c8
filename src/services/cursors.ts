import { createHash } from 'node:crypto';
import { parseEventId } from '../datasources/ports/event-ids.js';
import type { Topic } from '../datasources/ports/pubsub.js';
import { BadInputError } from '../errors.js';

/** Longer than any cursor this module makes: refused before any work. */
const MAX_LENGTH = 80;

/** A check over the log's name and the id, so a cursor of another board or job, or an edited one, is refused. */
function check(topic: Topic, key: string, id: string): string {
  return createHash('sha256').update(`${topic}\0${key}\0${id}`).digest('base64url').slice(0, 10);
}

/**
 * The opaque cursor of event `id` (a stream entry id) of one board's or job's log: the id,
 * base64url, and a check. Ids increase along a log, and so does what a cursor names.
 */
export function encodeCursor(topic: Topic, key: string, id: string): string {
  return `${Buffer.from(id).toString('base64url')}.${check(topic, key, id)}`;
}

/** The entry id a cursor names; BAD_USER_INPUT (field `field`) for anything this log did not issue. */
export function decodeCursor(topic: Topic, key: string, cursor: string, field = 'after'): string {
  const refuse = () => new BadInputError('not a cursor of this stream; subscribe without it', field);
  if (cursor.length > MAX_LENGTH) throw refuse();
  const [body, sum, ...rest] = cursor.split('.');
  if (body === undefined || sum === undefined || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(body))
    throw refuse();
  const id = Buffer.from(body, 'base64url').toString();
  if (parseEventId(id) === null || check(topic, key, id) !== sum) throw refuse();
  return id;
}
