import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

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
/** Hashes run on libuv's pool; at most this many at once, so a login flood cannot take all of its memory. */
const MAX_CONCURRENT = 2;

let running = 0;
const waiting: Array<() => void> = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next(); // the slot passes straight to the next caller
  }
}

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: MAX_MEM };
  return withSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
          error === null ? resolve(key) : reject(error),
        );
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, LOG_N, R, P);
  return ['scrypt', LOG_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches `stored`; compares in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(logN), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password nobody knows, at the current parameters: a login for an unknown
 * email verifies against it, so it costs the same time as a wrong password.
 */
export const UNKNOWN_ACCOUNT_HASH =
  'scrypt$17$8$1$qfxMTNERsExrCoRs8BPmqg$LA9KFeCuLksGUk0eiAhnqTwP1sIwqF5pIhlBBtwNfFA';
