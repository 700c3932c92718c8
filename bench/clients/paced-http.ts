/**
 * Sends POSTs at a fixed rate (open loop: a slow answer does not slow the sending), from its own
 * process pinned to the load core. Answers how many were sent, answered 200 without errors, and not.
 */
import { serveParent } from '../lib/ipc.js';

interface PacedRun {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  rate: number;
  seconds: number;
  /** Requests allowed in flight at once; beyond it sending waits (the server is saturated). */
  maxInFlight?: number;
}

async function run(spec: PacedRun) {
  const total = Math.max(1, Math.round(spec.rate * spec.seconds));
  const limit = spec.maxInFlight ?? 256;
  let ok = 0;
  let failed = 0;
  let inFlight = 0;
  let lastError = '';
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / spec.rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    while (inFlight >= limit) await Promise.race(pending);
    inFlight++;
    const request = fetch(spec.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...spec.headers },
      body: spec.bodies[i % spec.bodies.length] ?? '',
    })
      .then(async (response) => {
        const text = await response.text();
        if (response.status === 200 && !text.includes('"errors"')) ok++;
        else {
          failed++;
          lastError = `${response.status} ${text.slice(0, 200)}`;
        }
      })
      .catch((error: unknown) => {
        failed++;
        lastError = String(error);
      })
      .finally(() => {
        inFlight--;
        pending.delete(request);
      });
    pending.add(request);
  }
  const sending = (performance.now() - started) / 1000;
  await Promise.all(pending);
  return {
    sent: total,
    ok,
    failed,
    lastError,
    sendingSeconds: sending,
    seconds: (performance.now() - started) / 1000,
  };
}

serveParent({ run: (payload) => run(payload as PacedRun) }, { ready: true }, async () => {});
