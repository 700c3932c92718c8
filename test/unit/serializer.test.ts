import { Decimal128, EJSON, ObjectId } from 'bson';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeCached, encodeCached, serialize } from '../../src/serializer.js';

// bson's EJSON object is frozen: its parse is wrapped in a spy when the module loads.
vi.mock('bson', async (importOriginal) => {
  const bson = await importOriginal<typeof import('bson')>();
  return { ...bson, EJSON: { ...bson.EJSON, parse: vi.fn(bson.EJSON.parse) } };
});

afterEach(() => vi.clearAllMocks());

describe('shared-cache values', () => {
  const customer = {
    id: 'c1',
    name: { first: 'Ada', last: 'L' },
    age: 36,
    ratio: 0.5,
    big: 2 ** 40,
    tags: ['a', 'b'],
    address: null,
    registeredAt: new Date('2026-11-29T10:00:00.123Z'),
    history: [{ at: new Date('2020-01-01T00:00:00Z'), nested: [[1, 2], []] }],
  };

  it('round-trips plain values and dates without EJSON.parse', () => {
    const parse = vi.mocked(EJSON.parse);
    const decoded = decodeCached<typeof customer>(encodeCached(customer));
    expect(decoded).toEqual(customer);
    expect(decoded.registeredAt).toBeInstanceOf(Date);
    expect(decoded.history[0]?.at).toBeInstanceOf(Date);
    expect(decodeCached(encodeCached({ n: 1, s: 'no specials' }))).toEqual({ n: 1, s: 'no specials' });
    expect(parse).not.toHaveBeenCalled();
  });

  it('decodes other Extended JSON types with EJSON, as before', () => {
    const parse = vi.mocked(EJSON.parse);
    const value = {
      id: new ObjectId(),
      price: Decimal128.fromString('1.10'),
      nan: Number.NaN,
      at: new Date(-1),
    };
    const decoded = decodeCached<typeof value>(encodeCached(value));
    expect(parse).toHaveBeenCalledTimes(1);
    expect(decoded.id.equals(value.id)).toBe(true);
    expect(decoded.price.toString()).toBe('1.10');
    expect(decoded.nan).toBeNaN();
    expect(decoded.at).toEqual(value.at);
  });

  it('reads entries written by earlier versions (canonical Extended JSON)', () => {
    expect(decodeCached(serialize(customer))).toEqual(customer);
  });
});
