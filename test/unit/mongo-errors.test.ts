import { MongoClient, MongoNetworkError, MongoNetworkTimeoutError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { storeError } from '../../src/datasources/mongo/errors.js';
import { DuplicateKeyError, UnavailableError } from '../../src/errors.js';

describe('MongoDB driver errors', () => {
  it('are SERVICE_UNAVAILABLE when no server can be selected', async () => {
    // Port 1 refuses connections: the driver gives up selecting a server after 100 ms.
    const client = new MongoClient('mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100');
    const failure: unknown = await client.connect().then(
      () => null,
      (error: unknown) => error,
    );
    await client.close();
    const mapped = storeError(failure);
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect(mapped).toMatchObject({ code: 'SERVICE_UNAVAILABLE', cause: failure });
  });

  it('are SERVICE_UNAVAILABLE on a network failure or timeout', () => {
    for (const error of [
      new MongoNetworkError('connection reset'),
      new MongoNetworkTimeoutError('timed out'),
    ]) {
      expect(storeError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', cause: error });
    }
  });

  it('are SERVICE_UNAVAILABLE when a command outlives its maxTimeMS', () => {
    const expired = new MongoServerError({ code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'time limit' });
    expect(storeError(expired)).toBeInstanceOf(UnavailableError);
  });

  it('keep a duplicate key a DuplicateKeyError and pass other server errors through', () => {
    const duplicate = new MongoServerError({ code: 11000, errmsg: 'E11000', keyPattern: { emailLower: 1 } });
    expect(storeError(duplicate)).toEqual(new DuplicateKeyError('emailLower'));
    const other = new MongoServerError({ code: 2, errmsg: 'bad value' });
    expect(storeError(other)).toBe(other);
  });
});
