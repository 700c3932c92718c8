/**
 * `npm run bench`: every scenario with its short defaults, one after another (a few minutes),
 * each printed as it ends and written under bench/results/; then every target in one list.
 *
 *   npm run bench                                  # all
 *   npm run bench -- --only read-path,cache        # some
 * Each scenario also runs alone with its own flags: `tsx bench/<scenario>.ts --help` lists none;
 * read the DEFAULTS at the top of each file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sharedCache } from './cache.js';
import { eventCursors } from './event-cursors.js';
import { failover } from './failover.js';
import { fanout } from './fanout.js';
import { fanoutInstances } from './fanout-instances.js';
import { growth } from './growth.js';
import { jobs } from './jobs.js';
import { formatResult, RESULTS_DIR, type Scenario, type ScenarioResult, writeResult } from './lib/report.js';
import { nPlusOne } from './n-plus-one.js';
import { readPath } from './read-path.js';
import { scores } from './scores.js';
import { soak } from './soak.js';

export const SCENARIOS: ReadonlyArray<readonly [string, Scenario]> = [
  ['read-path', readPath],
  ['n-plus-one', nPlusOne],
  ['cache', sharedCache],
  ['scores', scores],
  ['growth', growth],
  ['fanout', fanout],
  ['fanout-instances', fanoutInstances],
  ['event-cursors', eventCursors],
  ['jobs', jobs],
  ['failover', failover],
  ['soak', soak],
];

const { values } = parseArgs({ options: { only: { type: 'string' } }, strict: true });
const only = values.only?.split(',');
const chosen = SCENARIOS.filter(([name]) => only === undefined || only.includes(name));
if (chosen.length === 0) throw new Error(`--only: none of ${SCENARIOS.map(([n]) => n).join(', ')}`);

const results: ScenarioResult[] = [];
const failures: string[] = [];
const started = Date.now();
for (const [name, scenario] of chosen) {
  process.stderr.write(`\n=== ${name}\n`);
  try {
    const result = await scenario([]);
    results.push(result);
    writeResult(result);
    process.stdout.write(`${formatResult(result)}\n`);
  } catch (error) {
    failures.push(name);
    process.stderr.write(
      `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
}
const lines = results.flatMap((r) =>
  r.targets.map(
    (t) => `[${t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met'}] ${r.scenario}: ${t.goal}: ${t.measured}`,
  ),
);
process.stdout.write(`\n## Targets\n${lines.join('\n')}\n`);
process.stdout.write(`\n${results.length} scenarios in ${Math.round((Date.now() - started) / 1000)} s`);
process.stdout.write(failures.length > 0 ? `; FAILED: ${failures.join(', ')}\n` : '\n');
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(`${RESULTS_DIR}summary.json`, `${JSON.stringify(results, null, 2)}\n`);
process.exit(failures.length > 0 ? 1 : 0);
