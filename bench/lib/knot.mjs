// Starts Knot DNS (knotd) on 127.0.0.1 with a throwaway config: the reference server for load time, RSS and qps.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { spawnTracked, captureOutput, stopChild, removeOnExit } from './children.mjs';

export function knotInstalled() {
  try {
    return execFileSync('knotd', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/**
 * Writes a config and starts knotd in the foreground. zones: [{ origin, file }]. Journal off and the zone
 * file loaded whole, as a plain authoritative server without DNSSEC or IXFR would run.
 */
export function startKnot({ workDir, port, zones, udpWorkers = 1, tcpWorkers = 1, backgroundWorkers = 1, semanticChecks = false }) {
  const dir = resolve(workDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'db'), { recursive: true });
  removeOnExit(dir);
  const conf = [
    'server:',
    `    rundir: "${dir}"`,
    `    listen: 127.0.0.1@${port}`,
    `    udp-workers: ${udpWorkers}`,
    `    tcp-workers: ${tcpWorkers}`,
    `    background-workers: ${backgroundWorkers}`,
    'database:',
    `    storage: "${join(dir, 'db')}"`,
    'log:',
    '  - target: stderr',
    '    any: info',
    'template:',
    '  - id: default',
    `    storage: "${dir}"`,
    '    zonefile-load: whole',
    '    journal-content: none',
    `    semantic-checks: ${semanticChecks ? 'on' : 'off'}`,
    'zone:',
    ...zones.map((z) => `  - domain: ${z.origin}\n    file: "${resolve(z.file)}"`),
    '',
  ].join('\n');
  const confPath = join(dir, 'knot.conf');
  writeFileSync(confPath, conf);
  const child = spawnTracked('knotd', ['-c', confPath, '-s', join(dir, 'knot.sock')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  return {
    child,
    pid: child.pid,
    output,
    /** Knot's own figure for the zone's size in memory, from its "loaded, serial ... N bytes" log line. */
    zoneBytes() {
      const m = /loaded, serial [^,]+, (\d+) bytes/.exec(output.text);
      return m ? Number(m[1]) : null;
    },
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
