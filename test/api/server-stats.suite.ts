import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateProductDocument, ProductDocument, ServerStatsDocument } from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';

/** The serverStats operation of the contract, through the app on one backend. */
export function serverStatsSuite(backend: BackendName): void {
  describe(`serverStats (${backend})`, () => {
    let t: TestApp;
    let admin: Record<string, string>;
    beforeAll(async () => {
      t = await makeApp(backend);
      admin = await t.signIn('ADMIN');
    });
    afterAll(async () => {
      await t.close();
    });

    it('reports the Redis server, the document store and the cache to an ADMIN', async () => {
      const created = await t.run(
        CreateProductDocument,
        { input: { name: 'Souris', price: 25, stock: 3 } },
        admin,
      );
      const id = created.data?.createProduct.id ?? '';
      await t.run(ProductDocument, { id }, admin);
      await t.run(ProductDocument, { id }, admin);
      const result = await t.run(ServerStatsDocument, {}, admin);
      expect(result.errors).toBeUndefined();
      const stats = result.data?.serverStats;
      expect(stats?.mongo.objects).toBeGreaterThanOrEqual(1);
      expect(stats?.mongo.collections).toBeGreaterThanOrEqual(1);
      expect(stats?.cache.hits).toBeGreaterThanOrEqual(1);
      expect(stats?.cache.misses).toBeGreaterThanOrEqual(1);
      expect(stats?.cache.hitRate).toBeCloseTo(
        (stats?.cache.hits ?? 0) / ((stats?.cache.hits ?? 0) + (stats?.cache.misses ?? 1)),
      );
      if (backend === 'embedded') {
        expect(stats?.redis).toBeNull();
      } else {
        expect(stats?.redis?.version).toMatch(/^\d+\.\d+/);
        expect(stats?.redis?.keys).toBeGreaterThan(0);
        expect(stats?.redis?.uptimeSeconds).toBeGreaterThanOrEqual(0);
        expect(stats?.redis?.connectedClients).toBeGreaterThan(0);
        expect(stats?.redis?.usedMemoryBytes).toBeGreaterThan(0);
      }
    });

    it('is refused to a USER (FORBIDDEN) and to an anonymous caller (UNAUTHENTICATED)', async () => {
      const user = await t.run(ServerStatsDocument, {}, await t.signIn('USER'));
      expect(user.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await t.run(ServerStatsDocument, {}, {});
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
}
