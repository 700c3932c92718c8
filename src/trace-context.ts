import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, type ContextManager, context, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * OpenTelemetry's active context carried across `await`s by AsyncLocalStorage, so that a MongoDB
 * command or a Redis call made deep inside a resolver (or a DataLoader batch) finds the span of
 * its request as its parent. This is what `AsyncLocalStorageContextManager` of
 * @opentelemetry/context-async-hooks does; that package is not among the pinned, mutually
 * compatible @opentelemetry/* set (see README "Tracing"), and the part used here is this small.
 */
class AsyncLocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const fn = target as (...args: unknown[]) => unknown;
    return function bound(this: unknown, ...args: unknown[]) {
      return manager.with(ctx, () => fn.apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/**
 * Installs the context manager once per process. Called only when tracing is on: with tracing
 * off nothing runs in an AsyncLocalStorage and @opentelemetry/api's no-op manager stays.
 */
export function enableTraceContext(): void {
  // false when one is installed already (a second app in the same process): that one serves.
  context.setGlobalContextManager(new AsyncLocalContextManager());
}
