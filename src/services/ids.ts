import { ObjectId } from 'bson';

/** New ids are ObjectId hex strings: unique across instances and increasing with time. */
export function newId(): string {
  return new ObjectId().toHexString();
}

const ID = /^[0-9a-f]{24}$/;

/** True for a string that could name a document; anything else names nothing. */
export function isId(value: string): boolean {
  return ID.test(value);
}
