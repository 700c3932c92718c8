import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
// Each domain file adds its types and its root fields to the builder when imported.
import './account.js';
import './customer.js';
import './customer-filter.js';
import './customer-stats.js';
import './job.js';
import './leaderboard.js';
import './order.js';
import './presence.js';
import './product.js';
import './rate-limit.js';
import './server-stats.js';
import './session.js';

/** The executable schema, sorted so that the printed `schema.graphql` diffs cleanly. */
export const schema = lexicographicSortSchema(builder.toSchema());
