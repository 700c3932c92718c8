import { afterEach } from 'vitest';

export interface MadePort<T> {
  port: T;
  close(): Promise<void>;
}

/**
 * For a port conformance suite, inside its `describe`: returns `open(...args)`, which makes a
 * fresh implementation (passing `args` to `make`) for the test calling it; it is closed after
 * that test.
 */
export function freshPort<T, A extends unknown[] = []>(
  make: (...args: A) => Promise<MadePort<T>>,
): (...args: A) => Promise<T> {
  let made: MadePort<T> | undefined;
  afterEach(async () => {
    await made?.close();
    made = undefined;
  });
  return async (...args) => {
    made = await make(...args);
    return made.port;
  };
}
