import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateCustomerDocument, CustomerDocument } from '../generated/operations.js';
import { BACKENDS, makeApp, type TestApp } from '../helpers/app.js';

for (const backend of BACKENDS) {
  describe(`documents smoke (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeApp(backend);
    });
    afterAll(async () => {
      await t.close();
    });

    it('creates a customer and reads it back by id', async () => {
      const created = await t.run(CreateCustomerDocument, {
        input: { lastName: 'Dupont', firstName: 'Jean', email: 'Jean.Dupont@example.com', age: 30 },
      });
      expect(created.errors).toBeUndefined();
      const id = created.data?.createCustomer.id ?? '';
      const read = await t.run(CustomerDocument, { id });
      expect(read.data?.customer).toMatchObject({ lastName: 'Dupont', age: 30, skills: [], addresses: [], viewCount: 1 });
    });
  });
}
