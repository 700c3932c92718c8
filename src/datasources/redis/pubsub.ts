import { Cluster } from 'ioredis';
import { UnavailableError } from '../../errors.js';
import { EventQueue } from '../../event-queue.js';
import type { Logger } from '../../logger.js';
import { deserialize, serialize } from '../../serializer.js';
import type { EventStream, PubSub, PubSubStats, Topic, Topics } from '../ports/pubsub.js';
import { createRedis, type RedisClient } from './client.js';
import { hashTag } from './slots.js';

type Push = (payload: unknown) => void;
type End = (error: Error) => void;

interface Channel {
  listeners: Set<Push>;
  /** Ends every stream of the channel (connection lost). */
  enders: Set<End>;
  /** Resolves when Redis has confirmed the SUBSCRIBE. */
  ready: Promise<void>;
}

/**
 * Redis pub/sub across instances, over two connections of its own: one publishes, one is in
 * subscriber mode. Every command's failure is handled here (graphql-redis-subscriptions and
 * Yoga's Redis event target leave UNSUBSCRIBE's rejection unhandled, which crashes the process
 * when a client leaves while Redis is down). SUBSCRIBE/UNSUBSCRIBE are issued synchronously in
 * call order, so Redis sees them in the order listeners come and go. When the subscriber
 * connection drops, every open stream ends with UnavailableError and nothing is resubscribed:
 * clients subscribe again, and succeed once Redis is back.
 *
 * On a Redis Cluster it is sharded pub/sub (SSUBSCRIBE/SPUBLISH): a channel lives on the shard of
 * its slot, so an event goes to that shard's nodes only instead of to every node as PUBLISH does.
 * The channel's key part is hash-tagged (`events:leaderboardUpdated:{<board>}`), so it shares the
 * slot of the board's keys and a script may SPUBLISH on it. ioredis keeps one subscriber
 * connection per shard and moves channels when slots move; when one of those connections is
 * dropped or replaced (a failover, a slot migration), events may have been missed meanwhile, so
 * every open stream ends with UnavailableError as on one server.
 */
export class RedisPubSub implements PubSub {
  readonly kind = 'redis';
  readonly #publisher: RedisClient;
  readonly #subscriber: RedisClient;
  /** Sharded pub/sub: on a Redis Cluster. */
  readonly #sharded: boolean;
  readonly #channels = new Map<string, Channel>();

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.#publisher = createRedis(url, { connectionName: 'docgate-publish' });
    // A command in flight when the connection drops fails instead of being sent again later.
    this.#subscriber = createRedis(
      url,
      {
        connectionName: 'docgate-subscribe',
        autoResubscribe: false,
        autoResendUnfulfilledCommands: false,
      },
      { shardedSubscribers: true },
    );
    this.#sharded = this.#subscriber instanceof Cluster;
    // A Cluster with sharded subscribers emits 'error' when one of their connections fails: with
    // no listener, that would crash the process.
    for (const connection of [this.#publisher, this.#subscriber]) {
      connection.on('error', (err: Error) => this.logger.warn({ err }, 'pub/sub connection error'));
    }
    const deliver = (channel: string, message: string) => this.#deliver(channel, message);
    this.#subscriber.on(this.#sharded ? 'smessage' : 'message', deliver);
    this.#subscriber.on('close', () => this.#lost());
    if (this.#sharded) this.#subscriber.on('-subscriber', () => this.#lost());
  }

  async publish<T extends Topic>(topic: T, key: string, payload: Topics[T]): Promise<void> {
    try {
      const name = this.#name(topic, key);
      if (this.#sharded) await this.#publisher.spublish(name, serialize(payload));
      else await this.#publisher.publish(name, serialize(payload));
    } catch (err) {
      this.logger.warn({ err, topic }, 'PUBLISH failed');
      throw new UnavailableError('realtime events are unavailable');
    }
  }

  async subscribe<T extends Topic>(topic: T, key: string): Promise<EventStream<Topics[T]>> {
    if (this.#subscriber.status !== 'ready') throw new UnavailableError('realtime events are unavailable');
    const name = this.#name(topic, key);
    const channel = this.#channels.get(name) ?? this.#open(name);
    const queue: EventQueue<Topics[T]> = new EventQueue(() => this.#leave(name, channel, push, end));
    // Payloads on this channel were published by publish(topic, ...), so they have its type.
    const push: Push = (payload) => queue.push(payload as Topics[T]);
    const end: End = (error) => queue.end(error);
    channel.listeners.add(push);
    channel.enders.add(end);
    try {
      await channel.ready;
    } catch {
      queue.end();
    }
    // Ended while waiting: SUBSCRIBE failed or the connection dropped meanwhile.
    if (queue.closed) throw new UnavailableError('realtime events are unavailable');
    return queue;
  }

  stats(): PubSubStats {
    let listeners = 0;
    for (const channel of this.#channels.values()) listeners += channel.listeners.size;
    return { channels: this.#channels.size, listeners };
  }

  async close(): Promise<void> {
    this.#lost();
    await Promise.all([this.#publisher, this.#subscriber].map((c) => c.quit().catch(() => c.disconnect())));
  }

  #name(topic: Topic, key: string): string {
    return `${this.prefix}events:${topic}:${hashTag(this.#subscriber, key)}`;
  }

  #open(name: string): Channel {
    const ready = (this.#sharded ? this.#subscriber.ssubscribe(name) : this.#subscriber.subscribe(name)).then(
      () => undefined,
    );
    const channel: Channel = { listeners: new Set(), enders: new Set(), ready };
    this.#channels.set(name, channel);
    ready.catch((err: unknown) => {
      this.logger.warn({ err, channel: name }, 'SUBSCRIBE failed');
      if (this.#channels.get(name) === channel) this.#channels.delete(name);
    });
    return channel;
  }

  #leave(name: string, channel: Channel, push: Push, end: End): void {
    channel.listeners.delete(push);
    channel.enders.delete(end);
    if (channel.listeners.size > 0 || this.#channels.get(name) !== channel) return;
    this.#channels.delete(name);
    // Sent after the SUBSCRIBE on the same connection, so Redis applies them in that order.
    (this.#sharded ? this.#subscriber.sunsubscribe(name) : this.#subscriber.unsubscribe(name)).catch(() => {
      // The connection is down: it holds no subscription any more.
    });
  }

  #deliver(name: string, message: string): void {
    const channel = this.#channels.get(name);
    if (channel === undefined) return;
    let payload: unknown;
    try {
      payload = deserialize(message);
    } catch (err) {
      this.logger.warn({ err, channel: name }, 'dropped a malformed event');
      return;
    }
    for (const push of [...channel.listeners]) push(payload);
  }

  /** The subscriber connection closed: Redis dropped its subscriptions, so every stream ends. */
  #lost(): void {
    const names = [...this.#channels.keys()];
    const channels = [...this.#channels.values()];
    this.#channels.clear();
    // ioredis would subscribe a cluster's channels again on the new connection: nobody listens.
    // One channel per command: channels of several slots in one would be refused (CROSSSLOT).
    if (this.#sharded) for (const name of names) this.#subscriber.sunsubscribe(name).catch(() => undefined);
    const error = new UnavailableError('realtime events were interrupted; subscribe again');
    for (const channel of channels) for (const end of [...channel.enders]) end(error);
  }
}
