// anycastd in thread mode or in cluster processes, started on the Node that thread mode needs (>= 22.12).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { spawnTracked, stopChild, captureOutput } from './children.mjs';
import { ROOT, anycastdArgs } from './subjects.mjs';

const NODE22 = join(ROOT, '.ci', 'node22', 'node_modules', 'node', 'bin', 'node');

/** The Node to run anycastd with: --node, else .ci/node22's when installed, else this one. */
export function anycastdNode(explicit) {
  const node = explicit ?? (existsSync(NODE22) ? NODE22 : process.execPath);
  return { node, version: execFileSync(node, ['--version']).toString().trim() };
}

/** A starter for `serve --worker-mode mode --workers n` on the zones in dir; zone reloads only on SIGHUP. */
export function anycastdMode(node, mode, workers, dir) {
  return (port) => {
    const extra = ['--log-level', 'warn', '--worker-mode', mode, '--zones-debounce-ms', '600000', '--zones-rescan-ms', '600000'];
    const child = spawnTracked(node, anycastdArgs(port, dir, { workers, tcpMaxQueries: null, extra }), { stdio: ['ignore', 'pipe', 'pipe'] });
    return { child, output: captureOutput(child), stop: () => stopChild(child, 5000) };
  };
}
