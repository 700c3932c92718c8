import { loadConfig } from './config.js';
import { createBackends } from './datasources/index.js';
import { createLogger } from './logger.js';
import { loadDemoData } from './seed/load-demo.js';
import { createServices, ensureIndexes } from './services/index.js';

/** `npm run seed`: loads the demo data into whichever backend the settings name. */
const logger = createLogger();
const config = loadConfig();
const backends = await createBackends(config, logger);
try {
  const services = createServices(backends, logger);
  await ensureIndexes(services);
  const loaded = await loadDemoData(services);
  logger.info(loaded, loaded.customers === 0 ? 'demo data already present' : 'demo data loaded');
} finally {
  await backends.close();
}
