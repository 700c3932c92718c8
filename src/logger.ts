import { pino } from 'pino';

export type Logger = pino.Logger;

/** Keys whose values are secrets or personal data: never written, at any of the first 3 levels. */
const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'token',
  'authorization',
  'cookie',
  '["set-cookie"]',
  'email',
  // A request's or a WebSocket connection's inputs, and a job's payload (an email's recipient).
  'variables',
  'connectionParams',
  'payload',
];

/** `key`, `*.key` and `*.*.key` for each key: pino's redaction is by path, not by key anywhere. */
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => {
  const member = key.startsWith('[') ? key : `.${key}`;
  return [key, `*${member}`, `*.*${member}`];
});

/**
 * Structured JSON logs. Secrets and personal data are redacted by path wherever they appear in
 * a log object, so a careless `log.info({ input })` still cannot leak a password or token.
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
