/**
 * An async iterator fed by `push`: the shape every subscription source has here. It ends when
 * the consumer calls `return()` (a client left) or the producer calls `end()` (with an error
 * when the source was lost); either way `onClose` runs exactly once, so listeners are removed
 * at once even while a `next()` is pending (an async generator would wait for the next event).
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  readonly #buffer: Array<{ value: T }> = [];
  readonly #waiting: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  #closed = false;
  #error: unknown = null;

  /**
   * @param onClose runs once, when the queue ends for any reason.
   * @param limit events buffered for a consumer that does not keep up; past it the queue ends
   *   with an error rather than grow without bound.
   */
  constructor(
    private readonly onClose: () => void,
    private readonly limit = 1000,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  push(value: T): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) {
      waiter.resolve({ value, done: false });
      return;
    }
    if (this.#buffer.length >= this.limit) {
      this.end(new Error('subscriber too slow: events dropped'));
      return;
    }
    this.#buffer.push({ value });
  }

  /** Ends the stream: buffered events are still delivered, then `error` (if any) or the end. */
  end(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = error ?? null;
    for (const waiter of this.#waiting.splice(0)) {
      if (this.#error === null) waiter.resolve({ value: undefined, done: true });
      else {
        waiter.reject(this.#error);
        this.#error = null;
      }
    }
    this.onClose();
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.#buffer.shift();
    if (item !== undefined) return Promise.resolve({ value: item.value, done: false });
    if (this.#closed) {
      const error = this.#error;
      this.#error = null;
      return error === null ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.end();
    this.#error = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
