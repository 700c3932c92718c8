import type { GraphiQLOptions } from 'graphql-yoga';
import { DEMO_BOARD, type WelcomeFacts } from '../seed/first-screen.js';

type Tab = NonNullable<GraphiQLOptions['defaultTabs']>[number];

// Comment lines stay under 46 characters: the width of GraphiQL's editor at 1280 pixels.
const str = (value: string) => JSON.stringify(value);

function welcome(facts: WelcomeFacts): Tab {
  const products = (facts.productIds ?? []).map((id, i) => `  p${i + 1}: product(id: ${str(id)}) { ...P }`);
  const account = facts.demoAccount;
  const query = [
    '# Welcome to docgate: one GraphQL API over',
    '# customers, products and orders, with',
    '# sessions, leaderboards, jobs and live',
    '# subscriptions. Press ▶ (Ctrl-Enter): this',
    '# tab needs no sign-in.',
    '#',
    ...(account
      ? [
          '# Then run the Login tab: it signs in the',
          `# demo account ${account.email}`,
          `# (password ${account.password}).`,
        ]
      : ['# Then run the Login tab: it registers an', '# account and signs it in.']),
    '# GraphiQL sends its token with every next',
    '# request: Customers, Live and Score just work.',
    'query Welcome {',
    `  leaderboard(board: ${str(DEMO_BOARD)}) {`,
    '    size top(first: 3) { rank player score }',
    '  }',
    '  me { email }',
    ...products,
    '}',
    ...(products.length > 0 ? ['', 'fragment P on Product { name price stock }'] : []),
    '',
  ];
  return { query: query.join('\n') };
}

function login(facts: WelcomeFacts): Tab {
  const account = facts.demoAccount;
  const call = account
    ? [`  login(email: ${str(account.email)},`, `        password: ${str(account.password)}) {`]
    : ['  register(input: { email: "you@example.com",', '    password: "at least 8 characters" }) {'];
  const query = [
    account ? '# Signs in the demo account. GraphiQL then' : '# Registers you and signs you in. GraphiQL',
    '# sends `Authorization: Bearer <token>` with',
    '# every request; `mutation { logout }` ends it.',
    'mutation Login {',
    ...call,
    '    token expiresAt user { email role }',
    '  }',
    '}',
    '',
  ];
  return { query: query.join('\n') };
}

const customers: Tab = {
  query: `# Signed in: customers, 3 a page (pass
# pageInfo.endCursor as $after), and orders.
query Customers($after: String) {
  customers(first: 3, after: $after,
            orderBy: [{ field: LAST_NAME }]) {
    totalCount
    edges { node { id lastName email } }
    pageInfo { endCursor hasNextPage }
  }
  orders(first: 3) {
    edges { node { number total customer { lastName } } }
  }
}
`,
};

const live: Tab = {
  query: `# Live: each score of the "${DEMO_BOARD}" board shows
# here as it happens. Run it, then run Score
# in a second window (or the README's curl).
subscription Live {
  leaderboardUpdated(board: ${str(DEMO_BOARD)}) {
    player score rank previousRank
  }
}
`,
};

function score(facts: WelcomeFacts): Tab {
  const [productId] = facts.productIds ?? [];
  const order =
    facts.customerId && productId
      ? [
          '',
          '# An order: all of its stock is taken, or none.',
          'mutation Order {',
          `  placeOrder(input: { customerId: ${str(facts.customerId)},`,
          `    items: [{ productId: ${str(productId)}, quantity: 1 }] }) {`,
          '    number total items { product { name stock } }',
          '  }',
          '}',
        ]
      : [];
  const query = [
    '# Signed in: 10 points for "you"; the Live tab',
    '# shows the change. Pick Score or Order on ▶.',
    'mutation Score {',
    `  incrementScore(board: ${str(DEMO_BOARD)}, player: "you", by: 10) {`,
    '    rank score',
    '  }',
    '}',
    ...order,
    '',
  ];
  return { query: query.join('\n') };
}

/** GraphiQL's tabs on a first visit: a welcome that runs anonymously, then Login and the rest. */
export function graphiqlTabs(facts: WelcomeFacts): Tab[] {
  return [welcome(facts), login(facts), customers, live, score(facts)];
}
