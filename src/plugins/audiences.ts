import {
  createSourceEventStream,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  type GraphQLFormattedError,
} from 'graphql';

type Source = AsyncIterator<unknown> & { return?: () => Promise<IteratorResult<unknown>> };

function isStream(value: AsyncIterable<unknown> | ExecutionResult): value is AsyncIterable<unknown> {
  return Symbol.asyncIterator in value;
}

/**
 * One event's result for a whole audience: executed once, its payload string made once, its
 * graphql-transport-ws `next` frame made once per operation id (clients mostly reuse the same few
 * ids, so a frame is usually built once per event, not once per subscriber).
 */
export class SharedEvent {
  readonly #frames = new Map<string, Buffer>();

  constructor(
    /** As graphql-js returned it: Yoga masks its errors itself on the paths that read it. */
    readonly result: ExecutionResult,
    /** The JSON of the result as clients receive it (errors masked). */
    readonly payload: string,
  ) {
    // Yoga serializes a result with its `stringify` when it has one (SSE): the JSON made once.
    // A result with errors is replaced by Yoga's masking first, so it never reaches this one.
    if (result.errors === undefined)
      Object.defineProperty(result, 'stringify', { value: () => payload, enumerable: false });
  }

  /** `{"id":...,"type":"next","payload":...}` around the shared payload, by concatenation. */
  frame(id: string): Buffer {
    let frame = this.#frames.get(id);
    if (frame === undefined) {
      frame = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":${this.payload}}`);
      // Ids are chosen by clients: only the first few are kept, the rest are built per subscriber.
      if (this.#frames.size < 16) this.#frames.set(id, frame);
    }
    return frame;
  }
}

/** One subscriber of an audience. Called synchronously, in event order, never concurrently. */
export interface Member {
  deliver(event: SharedEvent): void;
  /** The audience ended: its source finished (no error) or failed (the error). */
  end(error?: unknown): void;
}

/** What the engine needs from its host (the GraphQL layer). */
export interface AudienceHost {
  /** The context an event is executed with, from the first member's (fresh loaders, no cache). */
  eventContext(start: unknown): unknown;
  /** The payload of a result with errors, as a client may see it (masked). */
  serializeErrors(errors: readonly GraphQLFormattedError[] | readonly Error[]): unknown[];
  /** Called with each event's context and the result executed with it, before delivery. */
  executed?(context: unknown, result: ExecutionResult): void;
}

interface Audience {
  readonly key: string;
  readonly members: Set<Member>;
  /** Resolves once the source is open: null, or the result that refused it (setup errors). */
  readonly opened: Promise<ExecutionResult | null>;
  source: Source | null;
}

/**
 * The fan-out engine: subscribers whose results must be equal (same key: document, variables,
 * rights) share one audience, which holds one source stream, executes each event once and hands
 * every member the same SharedEvent. A key of null is an audience of one (its results depend on
 * the subscriber). Agnostic of what events are: any subscription field works.
 */
export class Audiences {
  readonly #open = new Map<string, Audience>();
  #unique = 0;

  constructor(private readonly host: AudienceHost) {}

  /** Audiences open and their members, for leak checks. */
  stats(): { audiences: number; members: number } {
    let members = 0;
    for (const audience of this.#open.values()) members += audience.members.size;
    return { audiences: this.#open.size, members };
  }

  /**
   * Adds `member` to the audience of `key` (opening it with `args` when it is the first): resolves
   * with a function that removes it, or with the result that refused the subscription.
   */
  async join(
    key: string | null,
    args: ExecutionArgs,
    member: Member,
  ): Promise<{ leave: () => void } | { refused: ExecutionResult }> {
    const name = key ?? `\u0000${++this.#unique}`;
    let audience = this.#open.get(name);
    if (audience === undefined) audience = this.#start(name, args);
    audience.members.add(member);
    const refused = await audience.opened;
    if (refused !== null) {
      audience.members.delete(member);
      return { refused };
    }
    const joined = audience;
    return { leave: () => this.#leave(joined, member) };
  }

  #start(key: string, args: ExecutionArgs): Audience {
    const audience: Audience = {
      key,
      members: new Set(),
      source: null,
      opened: createSourceEventStream(args).then((opened) => {
        if (!isStream(opened)) {
          if (this.#open.get(key) === audience) this.#open.delete(key);
          return opened;
        }
        const source: Source = opened[Symbol.asyncIterator]();
        audience.source = source;
        // Everyone left while it was being opened.
        if (audience.members.size === 0) this.#close(audience);
        else void this.#run(audience, source, args);
        return null;
      }),
    };
    this.#open.set(key, audience);
    // A throw (not a result) reaches every joiner through `opened`; the audience is gone.
    audience.opened.catch(() => {
      if (this.#open.get(key) === audience) this.#open.delete(key);
    });
    return audience;
  }

  async #run(audience: Audience, source: Source, args: ExecutionArgs): Promise<void> {
    try {
      for (;;) {
        const next = await source.next();
        if (next.done === true || audience.members.size === 0) break;
        const contextValue = this.host.eventContext(args.contextValue);
        const result = await execute({ ...args, rootValue: next.value, contextValue });
        this.host.executed?.(contextValue, result);
        const event = new SharedEvent(result, this.#serialize(result));
        // A member may leave (or be dropped) while this runs: a Set visits each remaining one once.
        for (const member of audience.members) member.deliver(event);
      }
      this.#finish(audience);
    } catch (error) {
      this.#finish(audience, error);
    }
  }

  #serialize(result: ExecutionResult): string {
    if (result.errors === undefined || result.errors.length === 0) return JSON.stringify(result);
    return JSON.stringify({ ...result, errors: this.host.serializeErrors(result.errors) });
  }

  #leave(audience: Audience, member: Member): void {
    if (!audience.members.delete(member) || audience.members.size > 0) return;
    this.#close(audience);
  }

  #close(audience: Audience): void {
    if (this.#open.get(audience.key) === audience) this.#open.delete(audience.key);
    // Frees the source's listener at once (EventQueue sources end on return()).
    void audience.source?.return?.();
  }

  #finish(audience: Audience, error?: unknown): void {
    this.#close(audience);
    const members = [...audience.members];
    audience.members.clear();
    for (const member of members) member.end(error);
  }
}
