import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './cores.js';

export type Cell = number | string | boolean | null;

/** One target of the issue, checked against this run's own measurements. */
export interface TargetCheck {
  goal: string;
  measured: string;
  /** null: not measured in this run (said why in `measured`). */
  met: boolean | null;
}

/** What every scenario produces: printed as a table, written as JSON under bench/results/. */
export interface ScenarioResult {
  scenario: string;
  title: string;
  date: string;
  machine: ReturnType<typeof machine>;
  settings: Record<string, Cell>;
  columns: string[];
  rows: Array<Record<string, Cell>>;
  targets: TargetCheck[];
  notes: string[];
  /** Anything else worth keeping (per-round figures, backend counts by command). */
  details?: unknown;
}

export function newResult(
  scenario: string,
  title: string,
  settings: Record<string, Cell>,
): Pick<ScenarioResult, 'scenario' | 'title' | 'date' | 'machine' | 'settings'> {
  return { scenario, title, date: new Date().toISOString(), machine: machine(), settings };
}

function text(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '-';
  if (typeof cell === 'number')
    return Number.isInteger(cell) ? String(cell) : String(Math.round(cell * 100) / 100);
  return String(cell);
}

/** A plain text table (also valid Markdown). */
export function table(columns: readonly string[], rows: ReadonlyArray<Record<string, Cell>>): string {
  const cells = rows.map((row) => columns.map((c) => text(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatResult(result: ScenarioResult): string {
  const targets = result.targets.map(
    (t) => `  [${t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met'}] ${t.goal}: ${t.measured}`,
  );
  return [
    `\n## ${result.title}`,
    table(result.columns, result.rows),
    ...(targets.length > 0 ? ['Targets:', ...targets] : []),
    ...result.notes.map((n) => `  note: ${n}`),
  ].join('\n');
}

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `bench/results/<scenario>.json` (the latest) and a dated copy; returns the latest's path. */
export function writeResult(result: ScenarioResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const stamp = result.date.replace(/[:.]/g, '-');
  writeFileSync(`${RESULTS_DIR}${result.scenario}-${stamp}.json`, json);
  const latest = `${RESULTS_DIR}${result.scenario}.json`;
  writeFileSync(latest, json);
  return latest;
}

export type Scenario = (argv: readonly string[]) => Promise<ScenarioResult>;

/** When `moduleUrl` is the script node was started with: runs the scenario, prints and writes it. */
export function runWhenMain(moduleUrl: string, scenario: Scenario): void {
  const entry = process.argv[1];
  if (entry === undefined || pathToFileURL(entry).href !== moduleUrl) return;
  scenario(process.argv.slice(2)).then(
    (result) => {
      process.stdout.write(`${formatResult(result)}\n`);
      process.stdout.write(`written to ${writeResult(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
