import { describe, expect, it } from 'vitest';
import { mongoClientOptions } from '../../src/datasources/mongo/documents.js';

describe('MongoDB client options', () => {
  it('writes with w: majority unless the URL sets w, retries, and reads from the primary', () => {
    expect(mongoClientOptions('mongodb://a:27017,b:27017/?replicaSet=rs0')).toMatchObject({
      writeConcern: { w: 'majority' },
      retryWrites: true,
      retryReads: true,
      readPreference: 'primary',
    });
    expect(mongoClientOptions('mongodb://a/?replicaSet=rs0&w=1')).not.toHaveProperty('writeConcern');
  });
});
