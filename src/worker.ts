import { ConfigError, loadConfig } from './config.js';
import { createBackends } from './datasources/index.js';
import { createLogger } from './logger.js';
import { closeServices, createServices } from './services/index.js';

/**
 * `npm run worker`: job workers as a process of their own. Any number of them, on any number of
 * machines, share the queue in Redis; a job whose worker dies is run again by another.
 */
const logger = createLogger();

try {
  const config = loadConfig();
  if (config.REDIS_URL === undefined || config.MONGODB_URL === undefined) {
    throw new ConfigError(
      'npm run worker needs REDIS_URL (the queue) and MONGODB_URL (the documents its jobs read and write); ' +
        'the embedded default runs its workers inside the gateway',
    );
  }
  const backends = await createBackends(config, logger);
  const services = createServices(backends, logger);
  const workers = services.jobs.work(config.WORKER_CONCURRENCY);
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'docgate worker started');
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'worker stopping after its running jobs');
    workers
      .close()
      .then(() => closeServices(services))
      .then(() => backends.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'worker shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) logger.fatal(error.message);
  else logger.fatal({ err: error }, 'docgate worker could not start');
  process.exit(1);
}
