import type { CrashStep } from '../config.js';

/** Called at each named step of a multi-document write; a test hook may stop the process there. */
export type CrashPoint = (step: CrashStep) => void | Promise<void>;

export const noCrash: CrashPoint = () => {};

/**
 * DOCGATE_CRASH_AT: the process kills itself with SIGKILL the first time it reaches `at`, so no
 * handler, `finally` or shutdown runs, as when a machine dies. Config refuses it unless NODE_ENV=test.
 */
export function crashPointAt(at: CrashStep | undefined): CrashPoint {
  if (at === undefined) return noCrash;
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}
