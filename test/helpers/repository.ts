import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file that holds package.json. */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const ROOT = repositoryRoot(dirname(fileURLToPath(import.meta.url)));
/** The project's copy of the client contract, split by section. */
export const CONTRACT_COPY_DIR = join(ROOT, 'test', 'api', 'contract');
/** The client contract itself, beside the repository in ../shared/contract/. */
export const SHARED_CONTRACT_DIR = join(ROOT, '..', 'shared', 'contract');
