import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inRanges, SLOT_COUNT } from '../helpers/cluster-nodes.js';
import { type ClusterNodeInfo, type RedisCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { keysForEverySlot, keysIn } from '../helpers/slot-keys.js';

/**
 * The local cluster the Redis Cluster suites run on, and what ioredis' Cluster client does on it:
 * routing by slot, multi-key limits, sharded pub/sub, a slot migration and a failover.
 */
describe('a local Redis Cluster of 3 masters with a replica each', () => {
  let cluster: RedisCluster;
  let keys: string[] = [];
  const connections: Cluster[] = [];
  /**
   * What the clients emit. A Cluster with `shardedSubscribers` emits 'error' with a plain emit when a
   * subscriber connection fails (seen in the failover): with no listener, the process would crash.
   */
  const clientEvents: string[] = [];

  const connect = async (options: ClusterOptions = {}): Promise<Cluster> => {
    const client = new Cluster([...cluster.startupNodes], options);
    connections.push(client);
    client.on('error', (error: Error) => clientEvents.push(`error: ${error.message}`));
    client.on('node error', (error: Error) => clientEvents.push(`node error: ${error.message}`));
    if (client.status !== 'ready') await once(client, 'ready');
    return client;
  };
  /** Runs `command` on one node itself, not through the cluster's routing. */
  const onNode = async (node: ClusterNodeInfo, ...command: [string, ...string[]]): Promise<unknown> => {
    const redis = new Redis({ host: node.host, port: node.port, lazyConnect: true });
    try {
      await redis.connect();
      return await redis.call(...command);
    } finally {
      redis.disconnect();
    }
  };
  const masters = () => cluster.nodes.filter((node) => node.role === 'master' && node.running);
  const firstKeyOf = (node: ClusterNodeInfo): string => keysIn(keys, node.slots)[0] ?? '';

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    keys = keysForEverySlot('infra:');
  });
  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await cluster?.stop();
  });

  it('starts 3 masters sharing the 16384 slots, each with one replica', () => {
    expect(cluster.url).toMatch(/^redis-cluster:\/\/(127\.0\.0\.1:\d+,){5}127\.0\.0\.1:\d+$/);
    const replicas = cluster.nodes.filter((node) => node.role === 'replica');
    expect(masters()).toHaveLength(3);
    expect(replicas.map((replica) => replica.masterPort).sort()).toEqual(
      masters()
        .map((m) => m.port)
        .sort(),
    );
    const served = masters()
      .flatMap((master) => master.slots)
      .reduce((sum, [first, last]) => sum + last - first + 1, 0);
    expect(served).toBe(SLOT_COUNT);
  });

  it('keeps a key of every slot on the master that serves the slot', async () => {
    const client = await connect();
    await Promise.all(keys.map((key) => client.set(key, key)));
    expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys);
    for (const master of masters()) {
      expect(await onNode(master, 'DBSIZE')).toBe(keysIn(keys, master.slots).length);
    }
  });

  it('refuses keys of several slots in one command or pipeline, and takes them under one hash tag', async () => {
    const client = await connect();
    const [a = '', b = '', c = ''] = masters().map(firstKeyOf);
    await expect(client.mget(a, b)).rejects.toThrow(/CROSSSLOT/);
    await expect(client.pipeline().get(a).get(b).exec()).rejects.toThrow(/same slots allocation group/);
    await client.set('{board}:a', '1');
    expect(await client.mget('{board}:a', '{board}:b')).toEqual(['1', null]);
    // The script cache is per node: SCRIPT LOAD reaches one master, EVALSHA elsewhere says NOSCRIPT.
    const lua = "return redis.call('EXISTS', KEYS[1])";
    const sha = await client.script('LOAD', lua);
    const bySha = await Promise.allSettled([a, b, c].map((key) => client.evalsha(String(sha), 1, key)));
    expect(bySha.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of bySha) {
      if (result.status === 'rejected') expect(String(result.reason)).toMatch(/NOSCRIPT/);
    }
    expect(await Promise.all([a, b, c].map((key) => client.eval(lua, 1, key)))).toEqual([1, 1, 1]);
  });

  it('delivers sharded pub/sub from the master that serves each channel', async () => {
    const subscriber = await connect({ shardedSubscribers: true });
    const publisher = await connect();
    const channels = masters().map(firstKeyOf);
    const received: string[] = [];
    subscriber.on('smessage', (channel: string, message: string) => received.push(`${channel} ${message}`));
    for (const channel of channels) await subscriber.ssubscribe(channel);
    const [first = '', second = ''] = channels;
    await expect(subscriber.ssubscribe(first, second)).rejects.toThrow(/CROSSSLOT/);
    for (const channel of channels) expect(await publisher.spublish(channel, 'hello')).toBe(1);
    await until('every message arrives', () => received.length >= channels.length);
    expect(received.sort()).toEqual(channels.map((channel) => `${channel} hello`).sort());
    for (const [i, master] of masters().entries()) {
      expect(await onNode(master, 'PUBSUB', 'SHARDCHANNELS')).toEqual([channels[i]]);
    }
  });

  it('moves slots under a light write load, losing and repeating no write', async () => {
    const [source, target] = masters();
    if (source === undefined || target === undefined) throw new Error('expected 3 masters');
    const writer = await connect();
    const subscriber = await connect({ shardedSubscribers: true });
    const table = keysForEverySlot('reshard:');
    const loadedSlots = table
      .flatMap((_, slot) => (inRanges(slot, source.slots) ? [slot] : []))
      .slice(0, 400);
    const loaded = loadedSlots.map((slot) => table[slot] ?? '');
    const channels = loaded.slice(0, 200);
    const heard = new Set<string>();
    subscriber.on('smessage', (channel: string) => heard.add(channel));
    for (const channel of channels) await subscriber.ssubscribe(channel);

    const acknowledged = new Map<string, number>();
    const errors: string[] = [];
    let loading = true;
    const workers = Array.from({ length: 4 }, async (_, worker) => {
      for (let i = worker; loading; i += 4) {
        const key = loaded[i % loaded.length] ?? '';
        try {
          await writer.incr(key);
          acknowledged.set(key, (acknowledged.get(key) ?? 0) + 1);
        } catch (error) {
          errors.push(String(error));
        }
      }
    });
    await sleep(200);
    const started = Date.now();
    const moved = await cluster.reshard(source, target, 100);
    const took = Date.now() - started;
    await sleep(200);
    loading = false;
    await Promise.all(workers);

    expect(moved).toHaveLength(100);
    expect(moved.filter((slot) => loadedSlots.includes(slot)).length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    const stored = await Promise.all([...acknowledged.keys()].map((key) => writer.get(key)));
    expect(stored.map(Number)).toEqual([...acknowledged.values()]);

    const movedChannels = moved.flatMap((slot) =>
      channels.includes(table[slot] ?? '') ? [table[slot] ?? ''] : [],
    );
    heard.clear();
    await until('every channel on a moved slot delivers again', async () => {
      for (const channel of movedChannels) if (!heard.has(channel)) await writer.spublish(channel, 'after');
      await sleep(100);
      return movedChannels.every((channel) => heard.has(channel));
    });
    const writes = [...acknowledged.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `reshard: ${moved.length} slots in ${took} ms under ${writes} INCRs on ${acknowledged.size} keys, ` +
        `${movedChannels.length} sharded channels on moved slots resubscribed`,
    );
  });

  it('fails a killed master over to its replica, and its slots take writes again', async () => {
    const victim = masters()[2];
    if (victim === undefined) throw new Error('expected 3 masters');
    const heir = cluster.nodes.find((node) => node.masterPort === victim.port);
    const writer = await connect();
    const subscriber = await connect({ shardedSubscribers: true });
    const channel = firstKeyOf(victim);
    const heard: string[] = [];
    subscriber.on('smessage', (_channel: string, message: string) => heard.push(message));
    await subscriber.ssubscribe(channel);

    const writes: Array<{ victim: boolean; start: number; end: number; error?: string }> = [];
    let writing = true;
    const loop = async (key: string, onVictim: boolean) => {
      while (writing) {
        const start = Date.now();
        try {
          await writer.set(key, String(start));
          writes.push({ victim: onVictim, start, end: Date.now() });
        } catch (error) {
          writes.push({ victim: onVictim, start, end: Date.now(), error: String(error) });
        }
        await sleep(20);
      }
    };
    const survivor = masters().find((m) => m.port !== victim.port);
    const loops = [loop(channel, true), loop(survivor ? firstKeyOf(survivor) : '', false)];
    await sleep(300);

    await cluster.killMaster(channel);
    // From when the process has exited: no write started later can be answered by it.
    const killedAt = Date.now();
    const writtenAgain = () =>
      writes.find((write) => write.victim && write.start >= killedAt && write.error === undefined);
    await until('a write to the killed master’s slots succeeds', () => writtenAgain() !== undefined);
    const recovered = (writtenAgain()?.end ?? 0) - killedAt;
    await cluster.waitForOk();
    writing = false;
    await Promise.all(loops);
    expect(cluster.nodes.find((node) => node.port === heir?.port)).toMatchObject({
      role: 'master',
      slots: victim.slots,
    });
    await until('the sharded subscription delivers from the new master', async () => {
      await writer.spublish(channel, 'after failover');
      await sleep(100);
      return heard.includes('after failover');
    });

    await cluster.restartNode(victim);
    await cluster.waitForOk();
    expect(cluster.nodes.find((node) => node.port === victim.port)).toMatchObject({
      role: 'replica',
      masterPort: heir?.port,
      running: true,
    });
    const after = writes.filter((write) => write.start >= killedAt);
    const slowest = (onVictim: boolean) =>
      Math.max(0, ...after.filter((w) => w.victim === onVictim).map((w) => w.end - w.start));
    const failed = [
      ...new Set(after.flatMap((w) => (w.error ? [w.error.replace(/[\d.]+:\d+/g, 'HOST:PORT')] : []))),
    ];
    console.log(
      `failover: writes to the killed master's slots succeeded again ${recovered} ms after SIGKILL ` +
        `(cluster-node-timeout 2000 ms); slowest write there ${slowest(true)} ms, on another master ` +
        `${slowest(false)} ms; errors the client saw: ${JSON.stringify(failed)}; ` +
        `client events: ${JSON.stringify([...new Set(clientEvents.map((e) => e.replace(/[\d.]+:\d+/g, 'HOST:PORT')))])}`,
    );
  });
});

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}
