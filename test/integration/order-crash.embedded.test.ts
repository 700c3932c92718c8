import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderCrashSuite } from './order-crash.suite.js';

// The embedded store on disk: what survives a SIGKILL is what its journal wrote.
orderCrashSuite('embedded', async () => ({ DATA_DIR: await mkdtemp(join(tmpdir(), 'docgate-crash-')) }));
