import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import { RateLimitedError } from '../errors.js';

/**
 * Password hashing with scrypt at OWASP's parameters (N = 2^17, r = 8, p = 1: 128 MiB and a few
 * hundred milliseconds per hash), a random 16-byte salt and a 32-byte key. Stored as
 * `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (base64url), so the parameters can be raised later and
 * old hashes still verify.
 */
const LOG_N = 17;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** 128 x N x r bytes is the working set; Node's 32 MiB default refuses it. */
const MAX_MEM = 256 * 1024 * 1024;

export interface HashingLimits {
  /** Hashes run at once (each takes 128 MiB on libuv's pool). */
  concurrency: number;
  /** Hashes waiting for a slot; past it, RATE_LIMITED at once. */
  queue: number;
}

/**
 * scrypt behind a bounded pool: at most `concurrency` hashes run and `queue` wait, so a flood of
 * logins neither takes all memory nor makes a legitimate login wait behind all of it (40 queued
 * logins once made one wait 36 s); past the queue the caller is told to come back.
 */
export class PasswordHasher {
  readonly #limit: LimitFunction;

  constructor(private readonly limits: HashingLimits) {
    this.#limit = pLimit(limits.concurrency);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await this.#derive(password, salt, LOG_N, R, P);
    return ['scrypt', LOG_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** True when `password` matches `stored`; compares in constant time. A malformed hash never matches. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, logN, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || salt === undefined || key === undefined) return false;
    const expected = Buffer.from(key, 'base64url');
    const actual = await this.#derive(
      password,
      Buffer.from(salt, 'base64url'),
      Number(logN),
      Number(r),
      Number(p),
    );
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  #derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
    if (this.#limit.pendingCount >= this.limits.queue) {
      // About one round of the running hashes per second; never less than a second.
      const retryAfter = Math.max(1, Math.ceil(this.#limit.pendingCount / this.limits.concurrency / 2));
      return Promise.reject(new RateLimitedError('too many sign-ins at once, try again shortly', retryAfter));
    }
    const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: MAX_MEM };
    return this.#limit(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
            error === null ? resolve(key) : reject(error),
          );
        }),
    );
  }
}

/**
 * A hash of a random password nobody knows, at the current parameters: a login for an unknown
 * email verifies against it, so it costs the same time as a wrong password.
 */
export const UNKNOWN_ACCOUNT_HASH =
  'scrypt$17$8$1$qfxMTNERsExrCoRs8BPmqg$LA9KFeCuLksGUk0eiAhnqTwP1sIwqF5pIhlBBtwNfFA';
