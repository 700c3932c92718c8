import { describe, expect, it } from 'vitest';
import { ProductDocument } from '../generated/operations.js';
import { makeApp } from '../helpers/app.js';

describe('unexpected errors', () => {
  it('reach the client as INTERNAL_SERVER_ERROR with no driver message or stack', async () => {
    const t = await makeApp('mongodb');
    await t.backends.documents.close();
    const result = await t.run(ProductDocument, { id: '0123456789abcdef01234567' });
    expect(result.errors).toHaveLength(1);
    expect(result.data?.product).toBeNull();
    const [error] = result.errors ?? [];
    expect(error?.message).toBe('Unexpected error.');
    expect(error?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(result)).not.toMatch(/Mongo|client|at \w+ \(|\.ts:/i);
  });
});
