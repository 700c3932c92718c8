import type { CityStats as CityStatsShape } from '../services/city-stats.js';
import { builder } from './builder.js';

export const CityStats = builder.objectRef<CityStatsShape>('CityStats').implement({
  fields: (t) => ({
    city: t.exposeString('city'),
    customers: t.exposeInt('customers', {
      description: 'Distinct customers with an address in this city.',
    }),
    averageAge: t.exposeFloat('averageAge', {
      nullable: true,
      description: 'Mean age of those with an age.',
    }),
  }),
});

builder.queryFields((t) => ({
  customerStatsByCity: t.field({
    authScopes: { user: true },
    type: [CityStats],
    description: 'One row per city, by customers descending then city ascending.',
    resolve: (_root, _args, ctx) => ctx.services.customers.statsByCity(),
  }),
}));
