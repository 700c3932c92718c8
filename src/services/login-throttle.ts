import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimiter, RateLimiterFactory } from '../datasources/ports/rate-limiter.js';
import { RateLimitedError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface LoginThrottleSettings {
  /** Failures per email from one client address. */
  maxFailures: number;
  /** Failures per client address, whatever the email. */
  addressMaxFailures: number;
  /** How long failures count, and how long a key over its budget stays refused. */
  blockSeconds: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The throttle on password checks (login, password change), as OWASP's authentication cheat
 * sheet advises: by (email, client address), so a stranger's failures refuse the stranger and not
 * the account's owner, and by client address alone, so one client cannot try many accounts.
 * Keys are SHA-256 digests: no email or address is stored, and their length is bounded.
 */
export class LoginThrottle {
  readonly #pairs: RateLimiter;
  readonly #addresses: RateLimiter;

  constructor(
    rateLimiter: RateLimiterFactory,
    settings: LoginThrottleSettings,
    private readonly logger: Logger,
  ) {
    // Fails closed: with the shared store down, no one is let in on a local count.
    this.#pairs = rateLimiter({
      name: 'login',
      points: settings.maxFailures,
      durationSeconds: settings.blockSeconds,
      blockSeconds: settings.blockSeconds,
      whenStoreDown: 'fail',
    });
    this.#addresses = rateLimiter({
      name: 'login-address',
      points: settings.addressMaxFailures,
      durationSeconds: settings.blockSeconds,
      blockSeconds: settings.blockSeconds,
      whenStoreDown: 'fail',
    });
  }

  /**
   * Runs one password check for `email` from `client`. A point of both budgets is spent before
   * it, so concurrent attempts cannot all slip under a limit; over either, RATE_LIMITED; past
   * half the pair's budget, the check is delayed (250 ms, doubling, at most 2 s). A check that
   * passes clears the pair's failures and gives the address its point back; one that could not
   * run (the hashing queue is full) gives both back.
   */
  async check(emailLower: string, client: string, passwordCheck: () => Promise<boolean>): Promise<boolean> {
    const pairKey = sha256(`${emailLower}\n${client}`);
    const addressKey = sha256(client);
    const [pair, address] = await Promise.all([
      this.#pairs.consume(pairKey),
      this.#addresses.consume(addressKey),
    ]);
    if (!pair.allowed || !address.allowed) {
      const until = Math.max(...[pair, address].filter((d) => !d.allowed).map((d) => d.resetAt.getTime()));
      const retryAfter = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      this.logger.warn({ throttleKey: pairKey.slice(0, 12) }, 'login refused: too many failures');
      throw new RateLimitedError(
        pair.allowed
          ? 'too many failed logins from this address, try again later'
          : 'too many failed logins for this email, try again later',
        retryAfter,
      );
    }
    const failuresBefore = pair.limit - pair.remaining - 1;
    const slowAfter = Math.floor(pair.limit / 2);
    if (failuresBefore >= slowAfter && failuresBefore > 0)
      await sleep(Math.min(250 * 2 ** (failuresBefore - slowAfter), 2000));
    let passed: boolean;
    try {
      passed = await passwordCheck();
    } catch (error) {
      if (error instanceof RateLimitedError)
        await Promise.all([this.#pairs.refund(pairKey), this.#addresses.refund(addressKey)]);
      throw error;
    }
    if (passed) await Promise.all([this.#pairs.reset(pairKey), this.#addresses.refund(addressKey)]);
    return passed;
  }
}
