import { afterEach } from 'vitest';

export interface MadePort<T> {
  port: T;
  close(): Promise<void>;
}

/**
 * For a port conformance suite, inside its `describe`: returns `open()`, which makes a fresh
 * implementation for the test calling it; it is closed after that test.
 */
export function freshPort<T>(make: () => Promise<MadePort<T>>): () => Promise<T> {
  let made: MadePort<T> | undefined;
  afterEach(async () => {
    await made?.close();
    made = undefined;
  });
  return async () => {
    made = await make();
    return made.port;
  };
}
