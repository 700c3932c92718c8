import type { DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import type { Logger } from '../logger.js';
import { CUSTOMERS } from '../services/customers.js';
import type { Services } from '../services/index.js';
import { PRODUCTS } from '../services/products.js';

/** An account anyone may sign in with, shown on GraphiQL's first screen. */
export interface DemoAccount {
  email: string;
  password: string;
}

/** What GraphiQL's first screen names: the demo account, and ids that exist in this store. */
export interface WelcomeFacts {
  demoAccount?: DemoAccount | null;
  /** A few products, for the welcome query (the contract has no product list). */
  productIds?: readonly string[];
  /** A customer, for the order example. */
  customerId?: string | null;
}

/**
 * The embedded default's demo account in development: well known on purpose (printed at start,
 * shown in GraphiQL), so it never exists in production or on MongoDB.
 */
export const DEMO_ACCOUNT: DemoAccount = { email: 'demo@example.com', password: 'demo-password' };

/** The board the welcome reads and the live tab watches. */
export const DEMO_BOARD = 'demo';

const DEMO_SCORES = [
  { player: 'marie', score: 120 },
  { player: 'jean', score: 95 },
  { player: 'sophie', score: 80 },
];

/** The demo account (USER) and a board with scores, so the welcome shows something at once. */
export async function ensureDemoAccount(services: Services, logger: Logger): Promise<DemoAccount> {
  await services.accounts.ensureAccount(DEMO_ACCOUNT, 'USER');
  // Boards of the embedded default live in memory: filled again at each start.
  if ((await services.leaderboards.size(DEMO_BOARD)) === 0)
    for (const { player, score } of DEMO_SCORES)
      await services.leaderboards.submit({ board: DEMO_BOARD, player, score });
  // One line, with both, on purpose: the logger redacts a `password` field.
  logger.info(
    `demo account: ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password} (embedded default, development only)`,
  );
  return DEMO_ACCOUNT;
}

/** Ids the welcome can name: up to four products by name, and the first customer by last name. */
export async function welcomeIds(
  documents: DocumentStore,
): Promise<Pick<WelcomeFacts, 'productIds' | 'customerId'>> {
  const products = await documents
    .collection<StoredDoc & { name: string }>(PRODUCTS)
    .find({}, { sort: [['name', 1]], limit: 4 });
  const [customer] = await documents
    .collection<StoredDoc & { lastName: string }>(CUSTOMERS)
    .find({}, { sort: [['lastName', 1]], limit: 1 });
  return { productIds: products.map((p) => p._id), customerId: customer?._id ?? null };
}
