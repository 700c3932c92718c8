import { compareEventIds, parseEventId } from './ports/event-ids.js';
import type { JobChange, JobStatus } from './ports/jobs.js';

/**
 * Where each status may go next along one job's events: forward only, with ACTIVE again after
 * DELAYED (a retry). QUEUED after DELAYED (BullMQ's "waiting" when the retry is due) is not a
 * step a subscriber sees; the retry shows as ACTIVE.
 */
const NEXT: Record<JobStatus, readonly JobStatus[]> = {
  QUEUED: ['ACTIVE', 'DELAYED', 'COMPLETED', 'FAILED'],
  ACTIVE: ['DELAYED', 'COMPLETED', 'FAILED'],
  DELAYED: ['ACTIVE', 'COMPLETED', 'FAILED'],
  COMPLETED: [],
  FAILED: [],
};

/** A job log's state: what its newest event says. */
export interface JobState {
  status: JobStatus;
  progress: number;
  result: unknown;
  error: string | null;
  source: string | null;
}

/**
 * The state after `change`, or null when the change moves nothing (a repeat, a step back, a
 * source already applied). The Redis log runs the same rule in Lua (redis/event-log.ts).
 */
export function applyJobChange(last: JobState | null, change: JobChange): JobState | null {
  const source = change.source === undefined ? null : parseEventId(change.source);
  const seen = last?.source == null ? null : parseEventId(last.source);
  if (source !== null && seen !== null && compareEventIds(source, seen) <= 0) return null;
  const before: JobState = last ?? { status: 'QUEUED', progress: 0, result: null, error: null, source: null };
  let { status, result, error } = before;
  if (change.status !== undefined && change.status !== status && NEXT[status].includes(change.status)) {
    status = change.status;
    result = change.status === 'COMPLETED' ? (change.result ?? null) : null;
    error = change.status === 'FAILED' || change.status === 'DELAYED' ? (change.error ?? null) : null;
  }
  const progress =
    change.progress === undefined || before.status === 'COMPLETED' || before.status === 'FAILED'
      ? before.progress
      : Math.max(before.progress, change.progress);
  const next = { status, progress, result, error, source: change.source ?? before.source };
  if (last !== null && status === last.status && progress === last.progress) return null;
  return next;
}
