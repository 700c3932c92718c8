/** Runs autocannon for http-load.ts in its own (pinned) process and prints one RESULT line. */
import autocannon from 'autocannon';
import type { LoadSpec } from './http-load.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
let next = 0;
const result = await autocannon({
  url: spec.url,
  method: 'POST',
  connections: spec.connections,
  duration: Math.max(1, Math.round(spec.duration)),
  headers: { 'content-type': 'application/json', ...spec.headers },
  requests: [
    {
      setupRequest: (request) => {
        const body = spec.bodies[next++ % spec.bodies.length] ?? '';
        return { ...request, body };
      },
    },
  ],
});
const durationUs = Math.round(result.duration * 1e6);
const line = {
  requests: result.requests.total,
  durationUs,
  p50Us: Math.round(result.latency.p50 * 1000),
  p99Us: Math.round(result.latency.p99 * 1000),
  errors: result.non2xx + result.errors + result.timeouts,
};
process.stdout.write(`RESULT ${JSON.stringify(line)}\n`);
