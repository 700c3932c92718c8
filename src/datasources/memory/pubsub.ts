import { EventQueue } from '../../event-queue.js';
import type { EventStream, PubSub, PubSubStats, Topic, Topics } from '../ports/pubsub.js';

type Listener = (payload: unknown) => void;

/** The in-process transport: the embedded default, and local fan-out inside one instance. */
export class MemoryPubSub implements PubSub {
  readonly kind = 'in-process';
  readonly #channels = new Map<string, Set<Listener>>();
  readonly #queues = new Set<{ end(): void }>();

  async publish<T extends Topic>(topic: T, key: string, payload: Topics[T]): Promise<void> {
    for (const listener of this.#channels.get(`${topic}:${key}`) ?? []) listener(payload);
  }

  async subscribe<T extends Topic>(topic: T, key: string): Promise<EventStream<Topics[T]>> {
    const channel = `${topic}:${key}`;
    const listeners = this.#channels.get(channel) ?? new Set<Listener>();
    this.#channels.set(channel, listeners);
    const queue: EventQueue<Topics[T]> = new EventQueue(() => {
      listeners.delete(listener);
      this.#queues.delete(queue);
      if (listeners.size === 0 && this.#channels.get(channel) === listeners) this.#channels.delete(channel);
    });
    // Payloads come from this module's own publish(topic, ...), so they have the topic's type.
    const listener: Listener = (payload) => queue.push(payload as Topics[T]);
    listeners.add(listener);
    this.#queues.add(queue);
    return queue;
  }

  stats(): PubSubStats {
    let listeners = 0;
    for (const set of this.#channels.values()) listeners += set.size;
    return { channels: this.#channels.size, listeners };
  }

  async close(): Promise<void> {
    for (const queue of [...this.#queues]) queue.end();
  }
}
