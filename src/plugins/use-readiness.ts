import { type Plugin, useReadinessCheck } from 'graphql-yoga';

/** A backend the process depends on, with a probe that resolves when it answers. */
export type ReadinessChecks = Readonly<Record<string, () => Promise<void>>>;

/** How long every probe together may take before the instance is reported not ready. */
export const READY_DEADLINE_MS = 2000;

function withDeadline(probe: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([probe, deadline]).finally(() => clearTimeout(timer));
}

/**
 * `GET /ready` (Yoga's readiness check): 200 when every backend in use answers within the
 * deadline, else 503 naming each one that failed (never the error's detail, which may hold a host
 * or a credential); 503 too once the instance is shutting down.
 */
export function useReadiness(checks: ReadinessChecks, draining: () => boolean): Plugin {
  return useReadinessCheck({
    endpoint: '/ready',
    async check() {
      if (draining()) return Response.json({ ready: false, shuttingDown: true }, { status: 503 });
      const names = Object.keys(checks);
      const outcomes = await Promise.allSettled(
        names.map((name) =>
          withDeadline(
            Promise.resolve().then(() => checks[name]?.()),
            READY_DEADLINE_MS,
          ),
        ),
      );
      const failed = names.filter((_, i) => outcomes[i]?.status === 'rejected');
      return Response.json(
        {
          ready: failed.length === 0,
          backends: Object.fromEntries(names.map((n) => [n, !failed.includes(n)])),
        },
        { status: failed.length === 0 ? 200 : 503 },
      );
    },
  });
}
