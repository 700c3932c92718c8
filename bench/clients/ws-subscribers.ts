/**
 * Many graphql-transport-ws subscribers in one process (pinned to the load core): connects them,
 * counts every delivery, and measures publish-to-receive latency from the publish time the
 * publisher puts in `player` (`t<ms with decimals>`, on the clock of lib/latency-bins.ts). Latencies go to a histogram of 0.1 ms
 * bins, so counting stays cheap at hundreds of thousands of messages per second.
 *
 * With `reset({ events })`, each socket also records which event of the step each frame is, by its
 * `score` (the publisher sends scores 0 .. events-1, one per event): so a run counts, per
 * subscriber, the events it never got and the ones it got twice.
 */
import WebSocket from 'ws';
import { serveParent } from '../lib/ipc.js';
import { BIN_MS, BINS, stampMs } from '../lib/latency-bins.js';

let histogram = new Uint32Array(BINS);
let received = 0;
let overflow = 0;
/** When the last delivery arrived (epoch ms). */
let lastAt = 0;
const sockets: WebSocket[] = [];
/** Per socket, one byte per event of the step (its score): how many times it arrived; empty: not tracked. */
let arrivals: Uint8Array[] = [];
let events = 0;
let duplicates = 0;
/** Frames whose score is not an event of the step (a late probe, a previous step's straggler). */
let strays = 0;

const now = stampMs;
const MARK = Buffer.from('"player":"t');
const SCORE = Buffer.from('"score":');
const QUOTE = 0x22;

/** Notes which event (by score) socket `index` received, when the step tracks events. */
function track(data: Buffer, index: number): void {
  const marks = arrivals[index];
  if (marks === undefined) return;
  const at = data.indexOf(SCORE);
  if (at === -1) return;
  const start = at + SCORE.length;
  let end = start;
  while (end < data.length && data[end] !== 0x2c && data[end] !== 0x7d) end++;
  const score = Number(data.toString('latin1', start, end));
  if (!Number.isInteger(score) || score < 0 || score >= events) {
    strays++;
    return;
  }
  const count = marks[score] ?? 0;
  if (count > 0) duplicates++;
  marks[score] = Math.min(count + 1, 255);
}

/** Reads the publish time straight from the frame's bytes: the client must cost little per message. */
function onMessage(data: WebSocket.RawData, index: number): void {
  if (!Buffer.isBuffer(data)) return;
  const at = data.indexOf(MARK);
  if (at === -1) return;
  received++;
  const start = at + MARK.length;
  const end = data.indexOf(QUOTE, start);
  const arrived = now();
  lastAt = arrived;
  const latency = arrived - Number(data.toString('latin1', start, end));
  const bin = Math.floor(latency / BIN_MS);
  if (bin >= 0 && bin < BINS) histogram[bin] = (histogram[bin] ?? 0) + 1;
  else overflow++;
  track(data, index);
}

function open(
  url: string,
  payload: { query: string; variables?: unknown },
  authorization: string | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    const timer = setTimeout(() => reject(new Error('no connection_ack within 60 s')), 60_000);
    socket.once('open', () => {
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} }),
      );
    });
    socket.once('error', reject);
    // Refused (a limit, a bad credential): say so now rather than at the timeout.
    const refused = (code: number) => reject(new Error(`closed with ${code} before connection_ack`));
    socket.once('close', refused);
    socket.once('message', (data) => {
      socket.off('close', refused);
      clearTimeout(timer);
      if (!data.toString().includes('connection_ack')) {
        reject(new Error(`no ack: ${data.toString()}`));
        return;
      }
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload }));
      const index = sockets.length;
      socket.on('message', (message) => onMessage(message, index));
      sockets.push(socket);
      resolve();
    });
  });
}

function quantileOf(q: number): number | null {
  let total = 0;
  for (const n of histogram) total += n;
  total += overflow;
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < BINS; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return (i + 1) * BIN_MS;
  }
  return Number.POSITIVE_INFINITY;
}

/** Distinct events received over all sockets, duplicates and strays, for a tracked step. */
function sequence(): { distinct: number; duplicates: number; strays: number } {
  let distinct = 0;
  for (const marks of arrivals) for (const count of marks) if (count > 0) distinct++;
  return { distinct, duplicates, strays };
}

function histogramPairs(): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < BINS; i++) {
    const count = histogram[i] ?? 0;
    if (count > 0) pairs.push([i, count]);
  }
  if (overflow > 0) pairs.push([BINS, overflow]);
  return pairs;
}

serveParent(
  {
    /** Opens `count` subscribers, `parallel` at a time. */
    connect: async (payload) => {
      const { url, count, query, variables, authorization, parallel } = payload as {
        url: string;
        count: number;
        query: string;
        variables?: unknown;
        authorization?: string;
        parallel?: number;
      };
      let next = 0;
      const worker = async () => {
        while (next < count) {
          next++;
          await open(url, { query, variables }, authorization);
        }
      };
      await Promise.all(Array.from({ length: parallel ?? 100 }, worker));
      return sockets.length;
    },
    /** Deliveries and latency quantiles since the last reset. */
    stats: () => ({
      received,
      lastAt,
      p50Ms: quantileOf(0.5),
      p99Ms: quantileOf(0.99),
      maxOverflow: overflow,
      ...(events > 0 ? sequence() : {}),
    }),
    /** The latency histogram since the last reset, as [bin, count] pairs of its non-empty bins. */
    histogram: () => histogramPairs(),
    /** Starts a step; with `events`, tracks which of events 0 .. events-1 each socket receives. */
    reset: (payload) => {
      histogram = new Uint32Array(BINS);
      received = 0;
      overflow = 0;
      lastAt = 0;
      events = (payload as { events?: number } | undefined)?.events ?? 0;
      arrivals = events > 0 ? sockets.map(() => new Uint8Array(events)) : [];
      duplicates = 0;
      strays = 0;
    },
    close: async () => {
      for (const socket of sockets.splice(0)) socket.terminate();
    },
  },
  { ready: true },
  async () => {
    for (const socket of sockets) socket.terminate();
  },
);
