// Reads a process's memory and CPU figures from /proc (Linux only): RSS peaks and CPU ticks for per-query costs.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second for utime/stime in /proc/PID/stat (100 on every Linux we run on, but ask). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** VmHWM (peak RSS) and VmRSS of a process, in KiB; null when the process is gone. */
export function memoryOf(pid = 'self') {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { hwmKiB: field('VmHWM'), rssKiB: field('VmRSS') };
}

/** User + system CPU time of a process (all its threads), in microseconds; null when the process is gone. */
export function cpuMicros(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces; fields after the closing parenthesis are plain.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]); // field 14
  const stime = Number(rest[12]); // field 15
  return ((utime + stime) * 1e6) / CLK_TCK;
}

export const mib = (kib) => kib / 1024;
