import { parseArgs } from 'node:util';
import { backup } from './backup/backup.js';
import { restore } from './backup/restore.js';
import { stateSections } from './backup/sections.js';
import { ConfigError, loadConfig } from './config.js';
import { createBackends } from './datasources/index.js';
import { createLogger } from './logger.js';
import { createServices, ensureIndexes } from './services/index.js';

const USAGE = `usage:
  docgate backup --out DIR              back up every collection and the Redis state into DIR
  docgate restore --from DIR [--drop]   restore DIR into an empty target (--drop: replace what is there)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, from: { type: 'string' }, drop: { type: 'boolean', default: false } },
  });
  const [command] = positionals;
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  if (
    (command === 'backup' && values.out === undefined) ||
    (command === 'restore' && values.from === undefined)
  ) {
    console.error(USAGE);
    return 2;
  }
  if (command !== 'backup' && command !== 'restore') {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const backends = await createBackends(config, logger);
  try {
    const sections = stateSections(backends);
    const source = { documents: backends.documents.kind, redis: backends.family === 'redis' };
    if (command === 'backup' && values.out !== undefined) {
      const manifest = await backup(backends.documents, sections, values.out, source);
      console.log(
        JSON.stringify({ backedUp: values.out, collections: manifest.collections, state: manifest.state }),
      );
    } else if (values.from !== undefined) {
      const manifest = await restore(backends.documents, sections, values.from, { drop: values.drop });
      await ensureIndexes(createServices(backends, logger));
      console.log(
        JSON.stringify({ restored: values.from, collections: manifest.collections, state: manifest.state }),
      );
    }
    return 0;
  } finally {
    await backends.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
