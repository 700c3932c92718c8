import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Secrets are redacted by path wherever they appear in a log object,
 * so a careless `log.info({ input })` still cannot leak a password or token.
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
