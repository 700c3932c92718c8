import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';

/** Debian's Chromium (`.ci/run` installs the `chromium` package); no browser is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('GraphiQL in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer(
      loadConfig({
        PORT: '0',
        DATA_DIR: ':memory:',
        SEED_DEMO_DATA: 'false',
        GRAPHIQL: 'true',
        LOG_LEVEL: 'silent',
      }),
      createLogger('silent'),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (query: string) => {
    await page.goto(`${server.url}?query=${encodeURIComponent(query)}`);
    await page.locator('.graphiql-execute-button').click();
  };
  const resultContains = (text: string) =>
    page.waitForFunction(
      (t) => document.querySelector('.result-window')?.textContent?.includes(t) ?? false,
      text,
      {
        timeout: 15_000,
      },
    );

  it('loads the page, runs a query and shows its result', async () => {
    await server.services.leaderboards.submit({ board: 'e2e', player: 'jean', score: 10 });
    await open('{ leaderboard(board: "e2e") { size top(first: 3) { player score rank } } }');
    await resultContains('jean');
    const text = (await page.locator('.result-window').textContent()) ?? '';
    expect(text.replace(/\s/g, '')).toContain('"size":1');
  });

  it('runs a subscription and shows an event as it arrives', async () => {
    await open('subscription { leaderboardUpdated(board: "e2e") { player score rank previousRank } }');
    await expect.poll(() => server.websocket.connections, { timeout: 10_000 }).toBeGreaterThan(0);
    // The connection may be open a moment before the subscription is: publish until one arrives.
    let score = 40;
    await expect
      .poll(
        async () => {
          score += 1;
          await server.services.leaderboards.submit({ board: 'e2e', player: 'marie', score });
          return (await page.locator('.result-window').textContent()) ?? '';
        },
        { timeout: 15_000, interval: 500 },
      )
      .toContain('marie');
    const text = (await page.locator('.result-window').textContent()) ?? '';
    expect(text.replace(/\s/g, '')).toMatch(/"player":"marie","score":4\d,"rank":1/);
  });
});
