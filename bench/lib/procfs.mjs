// Reads memory and CPU figures from /proc (Linux only), for one process or a whole process tree.
// A subject is a tree: `anycastd serve` is a cluster primary plus its data-path workers, NSD forks a server and
// xfrd, so every per-subject figure sums the root pid and all its descendants (see treeCpuMicros, treeMemory).
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second for utime/stime in /proc/PID/stat (100 on every Linux we run on, but ask). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Fields after the command name in /proc/PID/stat (the name, field 2, may contain spaces); null when gone. */
function statFields(pid) {
  const text = read(`/proc/${pid}/stat`);
  return text === null ? null : text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** VmHWM (peak RSS) and VmRSS of a process, in KiB; null when the process is gone. */
export function memoryOf(pid = 'self') {
  const text = read(`/proc/${pid}/status`);
  if (text === null) return null;
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { hwmKiB: field('VmHWM'), rssKiB: field('VmRSS') };
}

/** Proportional set size in KiB (shared pages split between the processes that map them); NaN when unreadable. */
export function pssOf(pid) {
  const text = read(`/proc/${pid}/smaps_rollup`);
  return Number(/^Pss:\s+(\d+) kB/m.exec(text ?? '')?.[1] ?? NaN);
}

/** Anonymous memory on transparent huge pages, in KiB, summed over pid and its descendants. */
export function treeAnonHugeKiB(pid) {
  let kib = 0;
  for (const p of processTree(pid)) kib += Number(/^AnonHugePages:\s+(\d+) kB/m.exec(read(`/proc/${p}/smaps_rollup`) ?? '')?.[1] ?? 0);
  return kib;
}

/** Waits until the server's zones stop moving onto huge pages (folding starts 3 s after a load, a block per 100 ms); returns the KiB on them. */
export async function hugePagesSettled(pid, { stableMs = 5000, maxMs = 90000 } = {}) {
  let last = -1;
  let since = Date.now();
  for (const t0 = Date.now(); Date.now() - t0 < maxMs; await sleep(500)) {
    const kib = treeAnonHugeKiB(pid);
    if (kib !== last) [last, since] = [kib, Date.now()];
    else if (Date.now() - since >= stableMs) break;
  }
  return last;
}

/** User + system CPU time of one process (all its threads), in microseconds; null when the process is gone. */
export function cpuMicros(pid) {
  const rest = statFields(pid);
  if (rest === null) return null;
  return ((Number(rest[11]) + Number(rest[12])) * 1e6) / CLK_TCK; // fields 14 (utime) and 15 (stime)
}

/**
 * pid and all its live descendants. Uses /proc/PID/task/TID/children where the kernel has it
 * (CONFIG_PROC_CHILDREN), otherwise one scan of /proc/[0-9]*\/stat for parent pids (what `pgrep -P` does).
 */
export function processTree(pid) {
  if (read(`/proc/${pid}/stat`) === null) return [];
  let childrenOf;
  const tasks = (() => {
    try {
      return readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  })();
  if (tasks.length && read(`/proc/${pid}/task/${tasks[0]}/children`) !== null) {
    childrenOf = (p) => {
      const out = [];
      let tids = [];
      try {
        tids = readdirSync(`/proc/${p}/task`);
      } catch {
        return out;
      }
      for (const t of tids) for (const c of (read(`/proc/${p}/task/${t}/children`) ?? '').split(' ')) if (c) out.push(Number(c));
      return out;
    };
  } else {
    const byParent = new Map();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const rest = statFields(name);
      if (!rest) continue;
      const ppid = Number(rest[1]); // field 4
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(name));
    }
    childrenOf = (p) => byParent.get(p) ?? [];
  }
  const out = [];
  const queue = [Number(pid)];
  while (queue.length) {
    const p = queue.shift();
    out.push(p);
    queue.push(...childrenOf(p));
  }
  return out;
}

/** CPU (µs) of pid and its descendants, with the pids counted; null when pid is gone. */
export function treeCpuMicros(pid) {
  const pids = processTree(pid);
  if (pids.length === 0) return null;
  let us = 0;
  for (const p of pids) us += cpuMicros(p) ?? 0;
  return us;
}

/**
 * Memory of pid and its descendants, in KiB: the sum of VmRSS (shared pages counted in each process, as `ps`
 * would), the sum of each process's VmHWM (an upper bound on the tree's peak), and the sum of PSS (shared pages
 * split, so this one does not double-count the node binary across cluster workers). null when pid is gone.
 */
export function treeMemory(pid) {
  const pids = processTree(pid);
  if (pids.length === 0) return null;
  const sum = { rssKiB: 0, hwmKiB: 0, pssKiB: 0, processes: 0, perProcess: [] };
  for (const p of pids) {
    const m = memoryOf(p);
    if (!m) continue;
    sum.perProcess.push({ pid: p, ...m });
    sum.rssKiB += m.rssKiB;
    sum.hwmKiB += m.hwmKiB;
    sum.pssKiB += pssOf(p);
    sum.processes++;
  }
  return sum;
}

/** Busy and total jiffies of the whole machine (/proc/stat), to tell how many cores were busy over a run. */
export function machineTicks() {
  const line = (read('/proc/stat') ?? '').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0); // idle + iowait
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export const mib = (kib) => kib / 1024;
