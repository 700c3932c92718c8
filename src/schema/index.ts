import { lexicographicSortSchema } from 'graphql';
import '../resolvers/index.js';
import { builder } from './builder.js';
import './account.js';
import './customer.js';
import './job.js';
import './leaderboard.js';
import './order.js';
import './product.js';

/** The executable schema, sorted so that the printed `schema.graphql` diffs cleanly. */
export const schema = lexicographicSortSchema(builder.toSchema());
