/**
 * Many graphql-transport-ws subscribers in one process (pinned to the load core): connects them,
 * counts every delivery, and measures publish-to-receive latency from the publish time the
 * publisher puts in `player` (`t<epoch ms with decimals>`). Latencies go to a histogram of 0.1 ms
 * bins, so counting stays cheap at hundreds of thousands of messages per second.
 */
import WebSocket from 'ws';
import { serveParent } from '../lib/ipc.js';

const BIN_MS = 0.1;
const BINS = 100_000; // up to 10 s
let histogram = new Uint32Array(BINS);
let received = 0;
let overflow = 0;
/** When the last delivery arrived (epoch ms). */
let lastAt = 0;
const sockets: WebSocket[] = [];

const now = () => performance.timeOrigin + performance.now();
const MARK = Buffer.from('"player":"t');
const QUOTE = 0x22;

/** Reads the publish time straight from the frame's bytes: the client must cost little per message. */
function onMessage(data: WebSocket.RawData): void {
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
      socket.on('message', onMessage);
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
    }),
    reset: () => {
      histogram = new Uint32Array(BINS);
      received = 0;
      overflow = 0;
      lastAt = 0;
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
