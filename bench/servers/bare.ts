/**
 * The ceiling: a bare `node:http` server that reads each request and answers bytes docgate
 * produced for it, computed once. No GraphQL at all.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveParent } from '../lib/ipc.js';
import { optionsFromEnv } from './common.js';

export interface BareOptions {
  /** A file holding the response body. */
  file: string;
  contentType: string;
}

const { file, contentType } = optionsFromEnv<BareOptions>();
const bytes = readFileSync(file);
const server = createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
    res.end(bytes);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
serveParent(
  {},
  { url: `http://127.0.0.1:${port}/graphql`, authorization: '', customerIds: [], productIds: [] },
  () => new Promise<void>((resolve) => server.close(() => resolve())),
);
