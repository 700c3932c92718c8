// Checks the running Node.js against package.json's engines.node (a `>=X.Y.Z` range) and says,
// in one line, what to do when it is older. `--notice` (npm's postinstall): say it and go on;
// otherwise (prestart): say it and exit 1. Plain JavaScript with no dependency, so it runs before
// anything is built and on any Node; the one range form is compared by hand for that reason.
import { readFileSync } from 'node:fs';

const range =
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines?.node ?? '';
const wanted = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range);
if (wanted === null) throw new Error(`check-node: cannot read engines.node ${JSON.stringify(range)}`);

const current = process.versions.node.split('.').map(Number);
const minimum = wanted.slice(1).map(Number);
const older = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
if (older(current, minimum) >= 0) process.exit(0);

const notice = process.argv.includes('--notice');
const needs = `docgate needs Node.js ${range} (22 and 24 are tested), this is v${process.versions.node}`;
console.error(
  notice
    ? `${needs}: installed anyway; run it with \`npx -y -p node@22 npm start\` (or \`bash scripts/install-node.sh\`).`
    : `${needs}: run \`npx -y -p node@22 npm start\` (or install Node 22 or 24: \`bash scripts/install-node.sh\`).`,
);
process.exit(notice ? 0 : 1);
