// UDP (and with --tcp, TCP) qps only: a shortcut for `node bench/run.mjs --parts udp[,tcp]` with the same options.
// Usage: node bench/udp-qps.mjs [--quick] [--tcp] [--only echo,anycastd,...] [--seconds S] [--rounds R] [--out DIR]
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const tcp = args.includes('--tcp');
const rest = args.filter((a) => a !== '--tcp');
const run = join(dirname(fileURLToPath(import.meta.url)), 'run.mjs');
const out = rest.includes('--out') ? [] : ['--out', join(dirname(fileURLToPath(import.meta.url)), 'results', 'tmp', 'udp-qps')];
const res = spawnSync(process.execPath, [run, '--parts', tcp ? 'udp,tcp' : 'udp', ...out, ...rest], { stdio: 'inherit' });
process.exitCode = res.status ?? 1;
