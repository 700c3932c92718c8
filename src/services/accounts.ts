import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { DocumentCollection, DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import type { EventStream, PubSub } from '../datasources/ports/pubsub.js';
import type {
  RateLimitDecision,
  RateLimiter,
  RateLimiterFactory,
} from '../datasources/ports/rate-limiter.js';
import type { Role, SessionEnd, SessionRecord, SessionStore } from '../datasources/ports/sessions.js';
import {
  AppError,
  ConflictError,
  DuplicateKeyError,
  UnauthenticatedError,
  UnavailableError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { newId } from './ids.js';
import { INDEXES } from './indexes.js';
import { LoginThrottle } from './login-throttle.js';
import { type HashingLimits, PasswordHasher, UNKNOWN_ACCOUNT_HASH } from './passwords.js';
import { email, parseInput, text } from './validation.js';

export interface Account {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: Date;
}

/** Who is calling: the account of a live session. `null` in a context is an anonymous caller. */
export interface Caller {
  accountId: string;
  role: Role;
  /** The SHA-256 of the session's token: what `logout` ends. */
  sessionId: string;
  /** The session as of this request (its expiry already moved by this use). */
  session: SessionRecord;
}

export interface SignedIn {
  /** 256 random bits, base64url: given to the client once, never stored. */
  token: string;
  expiresAt: Date;
  account: Account;
}

interface AccountDoc extends StoredDoc {
  email: string;
  /** The unique index is on it, so an email is taken whatever its case. */
  emailLower: string;
  name: string | null;
  role: Role;
  passwordHash: string;
  createdAt: Date;
}

export interface AccountSettings {
  sessionTtlSeconds: number;
  loginMaxFailures: number;
  loginAddressMaxFailures: number;
  loginBlockSeconds: number;
  hashing: HashingLimits;
  admin?: { email: string; password: string } | undefined;
}

/** 8..128 characters, counted as code points (an emoji is one). */
const password = z
  .string()
  .refine((p) => [...p].length >= 8, 'at least 8 characters')
  .refine((p) => [...p].length <= 128, 'at most 128 characters');

const registerInput = z.object({ email, password, name: text(100).nullish() });
export type RegisterInput = z.input<typeof registerInput>;

const loginInput = z.object({ email, password });

const changePasswordInput = z.object({ current: password, new: password });

/** `Bearer <43 base64url characters>`; the length bound is checked before any pattern runs. */
const BEARER = /^Bearer ([A-Za-z0-9_-]{43})$/i;
const MAX_AUTHORIZATION_LENGTH = 256;

export const ACCOUNTS = 'accounts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function toAccount(doc: AccountDoc): Account {
  return { id: doc._id, email: doc.email, name: doc.name, role: doc.role, createdAt: doc.createdAt };
}

/**
 * The session id (the token's SHA-256) an `Authorization` value names; null without one.
 * Throws UnauthenticatedError for a malformed value.
 */
function sessionIdOf(authorization: string | null | undefined): string | null {
  if (authorization === undefined || authorization === null) return null;
  const token =
    authorization.length <= MAX_AUTHORIZATION_LENGTH ? BEARER.exec(authorization.trim())?.[1] : undefined;
  if (token === undefined)
    throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
  return sha256(token);
}

/** The caller of a looked-up session; UnauthenticatedError when it is unknown or ended. */
function callerOf(sessionId: string, session: SessionRecord | null): Caller {
  if (session === null) throw new UnauthenticatedError('this session has expired or ended; sign in again');
  return { accountId: session.accountId, role: session.role, sessionId, session };
}

/**
 * Accounts (documents in the store), sessions (in the session store, under the SHA-256 of
 * their token, indexed by account) and the throttle on password checks (login-throttle.ts).
 */
export class AccountService {
  private readonly accounts: DocumentCollection<AccountDoc>;
  private readonly throttle: LoginThrottle;
  private readonly passwords: PasswordHasher;

  constructor(
    store: DocumentStore,
    private readonly sessions: SessionStore,
    rateLimiter: RateLimiterFactory,
    private readonly settings: AccountSettings,
    private readonly logger: Logger,
    /** Where ended sessions are announced to open subscriptions (every instance). */
    private readonly events: PubSub | null = null,
  ) {
    this.accounts = store.collection<AccountDoc>(ACCOUNTS);
    this.throttle = new LoginThrottle(
      rateLimiter,
      {
        maxFailures: settings.loginMaxFailures,
        addressMaxFailures: settings.loginAddressMaxFailures,
        blockSeconds: settings.loginBlockSeconds,
      },
      logger,
    );
    this.passwords = new PasswordHasher(settings.hashing);
  }

  async ensureIndexes(): Promise<void> {
    await this.accounts.ensureIndexes(INDEXES.accounts);
  }

  /** Makes sure the configured ADMIN exists and is an ADMIN; its password is set only on creation. */
  async ensureAdmin(): Promise<void> {
    const admin = this.settings.admin;
    if (admin === undefined) return;
    if (await this.ensureAccount(admin, 'ADMIN')) {
      this.logger.info({ email: admin.email }, 'admin account created');
      return;
    }
    await this.accounts.findOneAndUpdate(
      { emailLower: admin.email.toLowerCase() },
      { $set: { role: 'ADMIN' } },
    );
  }

  /**
   * Creates the account with this role and password unless its email is taken; an existing one is
   * left as it is. True when it was created.
   */
  async ensureAccount(credentials: { email: string; password: string }, role: Role): Promise<boolean> {
    try {
      await this.create(credentials, role);
      return true;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return false;
    }
  }

  /** Creates an account with a role (USER by `register`; ADMIN from the settings or tests). */
  async create(raw: RegisterInput, role: Role): Promise<Account> {
    const input = parseInput(registerInput, raw, 'input');
    const doc: AccountDoc = {
      _id: newId(),
      email: input.email,
      emailLower: input.email.toLowerCase(),
      name: input.name ?? null,
      role,
      passwordHash: await this.passwords.hash(input.password),
      createdAt: new Date(),
    };
    try {
      await this.accounts.insertOne(doc);
    } catch (error) {
      if (error instanceof DuplicateKeyError)
        throw new ConflictError('an account with this email already exists', { field: 'input.email' });
      throw error;
    }
    return toAccount(doc);
  }

  /** A new USER account, signed in. Nothing is kept when its session cannot be opened. */
  async register(raw: RegisterInput): Promise<SignedIn> {
    const account = await this.create(raw, 'USER');
    try {
      return await this.openSession(account);
    } catch (error) {
      await this.accounts.deleteOne({ _id: account.id });
      throw error;
    }
  }

  /**
   * Signs in. A wrong password and an unknown email get the same error after the same work (a
   * hash check against a dummy hash), each check throttled by email and client address.
   */
  async login(rawEmail: string, rawPassword: string, client: string): Promise<SignedIn> {
    const input = parseInput(loginInput, { email: rawEmail, password: rawPassword });
    const emailLower = input.email.toLowerCase();
    const doc = await this.accounts.findOne({ emailLower });
    const matches = await this.throttle.check(emailLower, client, () =>
      this.passwords.verify(input.password, doc?.passwordHash ?? UNKNOWN_ACCOUNT_HASH),
    );
    if (doc === null || !matches) throw new UnauthenticatedError('wrong email or password');
    return this.openSession(toAccount(doc));
  }

  /** Starts a session for an account: a fresh token, of which only the SHA-256 is stored. */
  async openSession(account: Account): Promise<SignedIn> {
    const token = randomBytes(32).toString('base64url');
    const session = await this.sessions.create(
      sha256(token),
      { accountId: account.id, role: account.role },
      new Date(),
      this.settings.sessionTtlSeconds,
    );
    return { token, expiresAt: session.expiresAt, account };
  }

  /**
   * The caller named by an `Authorization` header value (HTTP header or WebSocket connection
   * payload): null without one; the session's account, its expiry slid, with a valid one.
   * Throws UnauthenticatedError for a malformed, unknown, expired or logged-out token and
   * UnavailableError when the session store does not answer (never an anonymous fallback).
   */
  async authenticate(authorization: string | null | undefined): Promise<Caller | null> {
    const sessionId = sessionIdOf(authorization);
    if (sessionId === null) return null;
    const session = await this.sessions.touch(sessionId, new Date(), this.settings.sessionTtlSeconds);
    return callerOf(sessionId, session);
  }

  /**
   * authenticate, and one point spent from `limiter`: the account's (`keys.account` + its id)
   * for a live session, else `keys.anonymous`'s, so a bad token is counted against its
   * address. Where the limiter can (Redis), the session check and the point are one script:
   * one round trip before a signed-in request runs. Never throws a contract error: the
   * caller's refusal comes back in `refused`, with the decision.
   */
  async authenticateAndSpend(
    authorization: string | null | undefined,
    limiter: RateLimiter,
    keys: { account: string; anonymous: string },
  ): Promise<{ caller: Caller | null; refused: AppError | null; key: string; decision: RateLimitDecision }> {
    let sessionId: string | null = null;
    let refused: AppError | null = null;
    try {
      sessionId = sessionIdOf(authorization);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refused = error;
    }
    if (sessionId !== null && limiter.consumeForSession !== undefined) {
      const spent = await limiter.consumeForSession(
        sessionId,
        new Date(),
        this.settings.sessionTtlSeconds,
        keys,
      );
      if (spent.session === 'unavailable') {
        const error = new UnavailableError('the session store is unavailable, try again shortly');
        return { caller: null, refused: error, key: spent.key, decision: spent.decision };
      }
      try {
        return {
          caller: callerOf(sessionId, spent.session),
          refused,
          key: spent.key,
          decision: spent.decision,
        };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return { caller: null, refused: error, key: spent.key, decision: spent.decision };
      }
    }
    let caller: Caller | null = null;
    if (sessionId !== null) {
      try {
        const now = new Date();
        caller = callerOf(
          sessionId,
          await this.sessions.touch(sessionId, now, this.settings.sessionTtlSeconds),
        );
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refused = error;
      }
    }
    const key = caller === null ? keys.anonymous : `${keys.account}${caller.accountId}`;
    return { caller, refused, key, decision: await limiter.consume(key) };
  }

  /** Ends the caller's session: its token is refused everywhere from now on. */
  async logout(caller: Caller): Promise<boolean> {
    await this.sessions.delete(caller.sessionId);
    await this.#announce({ accountId: caller.accountId, sessionId: caller.sessionId, keep: null });
    return true;
  }

  /** Ends every session of the caller's account, its own included. */
  async logoutAll(caller: Caller): Promise<boolean> {
    await this.sessions.endAll(caller.accountId);
    await this.#announce({ accountId: caller.accountId, sessionId: null, keep: null });
    return true;
  }

  /**
   * Sets a new password (the rules of `register`) once the current one is checked, as a login
   * is (throttled; a wrong one is UNAUTHENTICATED), then ends every other session of the account:
   * whoever held one must sign in with the new password.
   */
  async changePassword(caller: Caller, current: string, next: string, client: string): Promise<boolean> {
    const input = parseInput(changePasswordInput, { current, new: next });
    const doc = await this.accounts.findOne({ _id: caller.accountId });
    if (doc === null) throw new UnauthenticatedError('this account no longer exists; sign in again');
    const matches = await this.throttle.check(doc.emailLower, client, () =>
      this.passwords.verify(input.current, doc.passwordHash),
    );
    if (!matches) throw new UnauthenticatedError('the current password is wrong');
    const passwordHash = await this.passwords.hash(input.new);
    await this.accounts.findOneAndUpdate({ _id: doc._id }, { $set: { passwordHash } });
    await this.sessions.endAll(caller.accountId, caller.sessionId);
    await this.#announce({ accountId: caller.accountId, sessionId: null, keep: caller.sessionId });
    return true;
  }

  /** When a session expires as of now (null: gone), without sliding it: for open subscriptions. */
  sessionExpiry(sessionId: string): Promise<Date | null> {
    return this.sessions.expiry(sessionId);
  }

  /** Every session end announced from now on, by any instance (see #announce). */
  async sessionEnds(): Promise<EventStream<SessionEnd>> {
    if (this.events === null) throw new Error('sessions are not announced without a pub/sub');
    return this.events.subscribe('sessionEnded', 'all');
  }

  /**
   * Tells every instance's open subscriptions that sessions ended, so their streams end at once
   * rather than each checking its session per event. The sessions are ended either way: an
   * announcement that cannot be sent is logged (streams over a lost pub/sub end on their own).
   */
  async #announce(end: Omit<SessionEnd, 'at'>): Promise<void> {
    await this.events?.publish('sessionEnded', 'all', { ...end, at: Date.now() }).catch((err: unknown) => {
      this.logger.warn({ err }, 'session end not announced');
    });
  }

  async byId(id: string): Promise<Account | null> {
    const doc = await this.accounts.findOne({ _id: id });
    return doc === null ? null : toAccount(doc);
  }
}
