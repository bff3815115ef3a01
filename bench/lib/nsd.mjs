// Starts NSD on 127.0.0.1 with a throwaway config: one server process, no zone database, in the foreground.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { spawnTracked, captureOutput, stopChild, removeOnExit } from './children.mjs';

/** "NSD 4.6.1", or null when nsd is not installed. */
export function nsdInstalled() {
  try {
    const out = execFileSync('nsd', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /NSD version ([\d.]+)/.exec(out)?.[1] ? `NSD ${/NSD version ([\d.]+)/.exec(out)[1]}` : 'NSD';
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    const m = /NSD version ([\d.]+)/.exec(`${err.stdout ?? ''}${err.stderr ?? ''}`);
    return m ? `NSD ${m[1]}` : null;
  }
}

/**
 * Writes a config and runs `nsd -d` (foreground). zones: [{ origin, file }]. `database: ""` turns NSD 4.6's zone
 * database off, so it reads the zone text at start as Knot does; NSD forks a server process and xfrd under the
 * main one, so measure it as a process tree.
 */
export function startNsd({ workDir, port, zones, serverCount = 1 }) {
  const dir = resolve(workDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  removeOnExit(dir);
  const conf = [
    'server:',
    `    server-count: ${serverCount}`,
    `    ip-address: 127.0.0.1@${port}`,
    '    do-ip6: no',
    '    username: ""',
    '    chroot: ""',
    '    database: ""',
    `    zonesdir: "${dir}"`,
    `    zonelistfile: "${join(dir, 'zone.list')}"`,
    `    xfrdfile: "${join(dir, 'xfrd.state')}"`,
    `    xfrdir: "${dir}"`,
    `    pidfile: "${join(dir, 'nsd.pid')}"`,
    '    verbosity: 1',
    // Debian builds NSD with response rate limiting on (200 qps per /24 by default): all the bench's queries come
    // from 127.0.0.1, so RRL would slip or drop nearly all of them. Off, as for every other subject.
    '    rrl-ratelimit: 0',
    '    rrl-whitelist-ratelimit: 0',
    // Without it NSD adds the apex NS RRset and glue to every answer; Knot and anycastd do not (same answers, same sizes).
    '    minimal-responses: yes',
    'remote-control:',
    '    control-enable: no',
    ...zones.flatMap((z) => ['zone:', `    name: ${z.origin}`, `    zonefile: "${resolve(z.file)}"`]),
    '',
  ].join('\n');
  const confPath = join(dir, 'nsd.conf');
  writeFileSync(confPath, conf);
  const child = spawnTracked('nsd', ['-d', '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  return {
    child,
    pid: child.pid,
    output,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
