import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { embedded, startInstance } from '../helpers/realtime.js';
import { tracingSuite } from './tracing.suite.js';

tracingSuite('embedded');

describe('tracing (OpenTelemetry)', () => {
  it('marks a failed validation, with no execute span', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const t = await makeApp('embedded', {}, { tracer: provider.getTracer('docgate-test') });
    try {
      const response = await t.app.fetch('http://docgate.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: 'query Broken { nope }' }),
      });
      expect(response.status).toBe(400);
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name).sort()).toEqual(['POST /graphql', 'graphql.parse', 'graphql.validate']);
      expect(spans.find((s) => s.name === 'graphql.validate')?.status.code).toBe(2);
      expect(spans.find((s) => s.name === 'POST /graphql')?.attributes['http.response.status_code']).toBe(
        400,
      );
    } finally {
      await provider.shutdown();
      await t.close();
    }
  });

  it('exports the spans by OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const received: Array<{ path: string | undefined; bytes: number }> = [];
    const collector = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on('end', () => {
        received.push({ path: req.url, bytes });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const server = await startInstance(
        embedded({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }),
      );
      try {
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        expect(response.status).toBe(200);
      } finally {
        // Closing flushes the batch.
        await server.close();
      }
      expect(received.length).toBeGreaterThan(0);
      expect(received[0]?.path).toBe('/v1/traces');
      expect(received[0]?.bytes).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
