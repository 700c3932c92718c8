import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { DEMO_ACCOUNT, DEMO_BOARD } from '../../src/seed/first-screen.js';
import { type RunningServer, startServer } from '../../src/server.js';

/** Debian's Chromium (`scripts/install-chromium.sh`); no browser is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the picture the README shows is written. */
const SCREENSHOT = new URL('../../docs/graphiql.png', import.meta.url).pathname;

/** What a new user gets from `npm start`: a fresh embedded store in development, GraphiQL on. */
describe('GraphiQL on a fresh start, in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer(loadConfig({ PORT: '0', DATA_DIR: ':memory:' }), createLogger('silent'));
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
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const result = async () => (await page.locator('.result-window').textContent()) ?? '';
  /**
   * Opens a tab and waits until GraphiQL shows it: the tab is the active one and its editor holds
   * the operation. A dispatched click: GraphiQL's tabs are draggable, and a pointer click can start
   * a drag.
   */
  const openTab = async (name: string) => {
    await page.locator(`.graphiql-tab-button[title="${name}"]`).dispatchEvent('click');
    await page.waitForFunction(
      (n) =>
        document.querySelector('.graphiql-tab-active .graphiql-tab-button')?.getAttribute('title') === n &&
        (document.querySelector('.graphiql-query-editor')?.textContent ?? '').replace(/\s/g, ' ').includes(n),
      name,
      { timeout: 20_000 },
    );
  };
  /**
   * Presses run until GraphiQL sends the operation. A press right after a tab opens may come before
   * GraphiQL has taken in the new tab's text: the page then answers "Cannot infer operation", or
   * nothing happens at all, and nothing is sent. So the button is pressed again, but only while it
   * offers "Execute" (while an operation runs it offers "Stop", and pressing would stop it).
   */
  const press = async (operation: string): Promise<void> => {
    const button = page.locator('.graphiql-execute-button');
    const idle = async () => ((await button.getAttribute('aria-label')) ?? '').startsWith('Execute');
    const sent = (r: Request) =>
      (r.postData() ?? '').includes(`"operationName":"${operation}"`) ||
      new URL(r.url()).searchParams.get('operationName') === operation;
    let requested = false;
    const watch = (r: Request) => {
      if (sent(r)) requested = true;
    };
    page.on('request', watch);
    try {
      for (let attempt = 0; attempt < 8 && !requested; attempt += 1) {
        await expect.poll(idle, { timeout: 20_000 }).toBe(true);
        await button.click();
        const pressedAt = Date.now();
        await expect
          .poll(
            async () =>
              requested ||
              (await result()).includes('Cannot infer operation') ||
              (Date.now() - pressedAt > 2_000 && (await idle())),
            { timeout: 20_000 },
          )
          .toBe(true);
      }
    } finally {
      page.off('request', watch);
    }
    expect(requested, `GraphiQL sent ${operation}`).toBe(true);
  };
  const run = async (operation: string): Promise<string> => {
    const answered = page.waitForResponse(
      (r) =>
        r.request().method() === 'POST' &&
        (r.request().postData() ?? '').includes(`"operationName":"${operation}"`),
      { timeout: 30_000 },
    );
    await press(operation);
    return (await answered).text();
  };
  const resultContains = (text: string) =>
    page.waitForFunction(
      (t) => document.querySelector('.result-window')?.textContent?.includes(t) ?? false,
      text,
      { timeout: 20_000 },
    );

  it('runs the welcome as anonymous on the first click: products and a leaderboard', async () => {
    const answer = await run('Welcome');
    expect(answer).not.toContain('"errors"');
    expect(answer).toContain('"me":null');
    expect(answer).toContain('Clavier');
    await resultContains('marie');
    expect(await page.locator('.graphiql-editor').first().textContent()).toContain(DEMO_ACCOUNT.email);
  });

  it('signs in with the Login tab, and the next tab runs as the demo account', async () => {
    await openTab('Login');
    expect(await run('Login')).toContain(DEMO_ACCOUNT.email);
    await resultContains('token');
    await expect
      .poll(() => page.locator('#docgate-session').textContent())
      .toContain(`Signed in as ${DEMO_ACCOUNT.email}`);

    await openTab('Customers');
    const answer = await run('Customers');
    expect(answer).not.toContain('"errors"');
    expect(answer).toContain('ORD-');
    await resultContains('Dupont');
    expect(await result()).not.toContain('"errors"');
  });

  it('shows a live leaderboard event as it arrives, and saves the picture', async () => {
    await openTab('Live');
    await press('Live');
    let score = 200;
    await expect
      .poll(
        async () => {
          score += 1;
          await server.services.leaderboards.submit({ board: DEMO_BOARD, player: 'camille', score });
          return result();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toContain('camille');
    expect((await result()).replace(/\s/g, '')).toMatch(/"player":"camille","score":2\d\d,"rank":1/);
    expect(await result()).not.toContain('"errors"');
    await page.screenshot({ path: SCREENSHOT });
  });

  it('lets a browser EventSource subscribe with ?access_token=', async () => {
    const token = await page.evaluate(
      () =>
        (JSON.parse(sessionStorage.getItem('docgate:graphiql:session') ?? 'null') as { token: string }).token,
    );
    const query = 'subscription { jobUpdated(id: "none") { id } }';
    // jobUpdated needs a signed-in caller: anonymous, its first event is UNAUTHENTICATED.
    const first = (withToken: boolean) =>
      page.evaluate(
        ({ q, t }) =>
          new Promise<string>((resolve) => {
            const params = new URLSearchParams({ query: q, ...(t === null ? {} : { access_token: t }) });
            const source = new EventSource(`/graphql?${params}`);
            source.addEventListener('next', (event) => {
              source.close();
              resolve((event as MessageEvent<string>).data);
            });
            source.onerror = () => {
              source.close();
              resolve('error');
            };
          }),
        { q: query, t: withToken ? token : null },
      );
    expect(await first(false)).toContain('UNAUTHENTICATED');
    expect(await first(true)).not.toContain('UNAUTHENTICATED');
  });
});
