#!/usr/bin/env node
// Builds the native addons if it can (Linux, a compiler, node-gyp); never fails: without them anycastd uses node:dgram
// and 4 KiB pages for zones.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const skip = (why) => {
  console.log(`native UDP unavailable, using dgram: ${why}`);
  process.exit(0);
};

if (process.platform !== 'linux') skip(`not Linux (${process.platform})`);
if (process.env.ANYCASTD_SKIP_NATIVE === '1') skip('ANYCASTD_SKIP_NATIVE=1');
let nodeGyp;
try {
  nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  createRequire(import.meta.url).resolve('node-addon-api');
} catch {
  skip('node-gyp or node-addon-api not installed (dev dependencies)');
}
const cxx = process.env.CXX ?? 'g++';
if (spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status !== 0) skip(`no C++ compiler (${cxx})`);

// Use the distribution's Node headers when they are this Node's: no download at install time.
const args = [nodeGyp, 'rebuild'];
const versionHeader = '/usr/include/node/node_version.h';
if (existsSync(versionHeader)) {
  const h = readFileSync(versionHeader, 'utf8');
  const part = (name) => (new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(h)?.[1] ?? '');
  if (`v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.version) args.push('--nodedir=/usr');
}
const run = spawnSync(process.execPath, args, { cwd: here, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, encoding: 'utf8' });
if (run.status !== 0) {
  process.stderr.write((run.stderr ?? '').split('\n').slice(-15).join('\n'));
  skip(`build failed (node-gyp exit ${run.status ?? run.signal ?? run.error?.message})`);
}
console.log('native addons built in native/udp-batch/build/Release: udp_batch.node (batched UDP), zone_memory.node (huge pages for zones)');
