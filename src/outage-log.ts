import type { Logger } from './logger.js';

/**
 * Logs a backend outage once when it starts (then at most every `everyMs` while it lasts) and
 * once when it ends, so a Redis that is down for a minute does not write a line per request.
 */
export class OutageLog {
  private downSince: number | null = null;
  private lastLogged = 0;

  constructor(
    private readonly logger: Logger,
    /** What degrades, e.g. `shared cache`. */
    private readonly what: string,
    /** What happens meanwhile, e.g. `reads go to the document store`. */
    private readonly fallback: string,
    private readonly everyMs = 30_000,
  ) {}

  failed(error: unknown): void {
    const now = Date.now();
    if (this.downSince === null) this.downSince = now;
    else if (now - this.lastLogged < this.everyMs) return;
    this.lastLogged = now;
    this.logger.warn(
      { err: error, since: new Date(this.downSince) },
      `${this.what} unavailable: ${this.fallback}`,
    );
  }

  ok(): void {
    if (this.downSince === null) return;
    this.logger.info({ downMs: Date.now() - this.downSince }, `${this.what} available again`);
    this.downSince = null;
  }

  get down(): boolean {
    return this.downSince !== null;
  }
}
