import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('settings', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 4000,
      MONGODB_DB: 'docgate',
      DATA_DIR: './data',
      SESSION_TTL_SECONDS: 3600,
      CACHE_TTL_SECONDS: 300,
      RATE_LIMIT_POINTS: 100,
      RATE_LIMIT_WINDOW_SECONDS: 60,
    });
    expect(config.MONGODB_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['SESSION_TTL_SECONDS', '0'],
    ['RATE_LIMIT_POINTS', '-5'],
    ['MONGODB_URL', 'not a url'],
    ['MONGODB_DB', 'has space'],
    ['QUERY_TIMEOUT_MS', '1.5'],
    ['ORDER_PENDING_SECONDS', '0'],
    ['ORDER_SWEEP_SECONDS', '3601'],
    ['DOCGATE_CRASH_AT', 'nowhere'],
  ])('stops the start on a bad %s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
  });

  it('sweeps orders by default: pending 60 s, every 30 s, no crash hook', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ ORDER_PENDING_SECONDS: 60, ORDER_SWEEP_SECONDS: 30 });
    expect(config.DOCGATE_CRASH_AT).toBeUndefined();
  });

  it('refuses the crash hook unless NODE_ENV=test', () => {
    for (const NODE_ENV of [undefined, 'development', 'production']) {
      expect(() => loadConfig({ NODE_ENV, DOCGATE_CRASH_AT: 'order-after-intent' })).toThrow(
        /DOCGATE_CRASH_AT: a test hook: only with NODE_ENV=test/,
      );
    }
    expect(loadConfig({ NODE_ENV: 'test', DOCGATE_CRASH_AT: 'order-after-intent' }).DOCGATE_CRASH_AT).toBe(
      'order-after-intent',
    );
  });

  it('never echoes a secret value in its message', () => {
    try {
      loadConfig({ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toMatch(/ADMIN_PASSWORD/);
      expect(String(error)).not.toMatch(/short/);
    }
  });
});
