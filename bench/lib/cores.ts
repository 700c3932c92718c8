import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** The core servers run on, and the one load generators and clients run on (`taskset`). */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

let tasksetFound: boolean | undefined;

/** Pinning needs `taskset` and two cores; without them processes run unpinned (and say so). */
export function canPin(): boolean {
  if (tasksetFound === undefined)
    tasksetFound = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
  return tasksetFound;
}

/** `command args` prefixed with `taskset -c core` when pinning is possible. */
export function pinned(core: number, command: string, args: readonly string[]): [string, string[]] {
  return canPin() ? ['taskset', ['-c', String(core), command, ...args]] : [command, [...args]];
}

/** CPU seconds (user + system) a live process has used so far, from /proc; null when unreadable. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

/** Resident memory of a live process in bytes, from /proc; null when unreadable. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/** A short description of this machine for the results. */
export function machine(): { cpu: string; cores: number; memoryGiB: number; node: string; pinned: boolean } {
  let cpu = 'unknown';
  let memoryGiB = 0;
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
    const kb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
    memoryGiB = Math.round((kb / 1024 / 1024) * 10) / 10;
  } catch {
    // Not Linux: the figures stay unknown.
  }
  return { cpu, cores: availableParallelism(), memoryGiB, node: process.version, pinned: canPin() };
}
