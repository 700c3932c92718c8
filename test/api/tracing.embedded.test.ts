import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { ProductDocument } from '../generated/operations.js';
import { makeApp } from '../helpers/app.js';
import { embedded, startInstance } from '../helpers/realtime.js';

describe('tracing (OpenTelemetry)', () => {
  it('spans parse, validate and execute of each operation, into an in-memory exporter', async () => {
    const t = await makeApp('embedded');
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const app = createApp({
      services: t.services,
      logger: createLogger('silent'),
      graphiql: false,
      tracer: provider.getTracer('docgate-test'),
    });
    try {
      const post = (query: string) =>
        app.fetch('http://docgate.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables: { id: '000000000000000000000000' } }),
        });
      expect((await post(print(ProductDocument))).status).toBe(200);
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name).sort()).toEqual([
        'graphql.execute',
        'graphql.parse',
        'graphql.validate',
      ]);
      const execute = spans.find((s) => s.name === 'graphql.execute');
      expect(execute?.attributes).toEqual({
        'graphql.operation.type': 'query',
        'graphql.operation.name': 'Product',
      });
      exporter.reset();
      await post('query Broken { nope }');
      const failed = exporter.getFinishedSpans();
      expect(failed.map((s) => s.name).sort()).toEqual(['graphql.parse', 'graphql.validate']);
      expect(failed.find((s) => s.name === 'graphql.validate')?.status.code).toBe(2);
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
