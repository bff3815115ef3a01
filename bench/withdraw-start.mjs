// `anycastd withdraw` start-up: ms from process start to the reload (BIRD `configure` / FRR vtysh), against a bare
// `node -e 0`-like start.
// Fake BIRD socket and fake vtysh, so only start-up is measured. Usage: node bench/withdraw-start.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(opts.runs);
const dir = mkdtempSync(join(tmpdir(), 'anycastd-wd-bench-'));
const sock = join(dir, 'bird.ctl');
// Answers like BIRD: a greeting, then "0003 Reconfigured" to `configure`.
const bird = net.createServer((c) => {
  c.write('0001 BIRD 2.0.12 ready.\n');
  c.on('data', () => c.end('0003 Reconfigured\n'));
});
await new Promise((r) => bird.listen(sock, r));
// vtysh stand-in: records nothing, says nothing, exits 0.
const vtysh = join(dir, 'vtysh');
writeFileSync(vtysh, '#!/bin/sh\nexit 0\n');
chmodSync(vtysh, 0o755);

const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
const birdArgs = ['withdraw', '--bird-include', join(dir, 'inc.conf'), '--bird-socket', sock, '--anycast', '192.0.2.1/32'];
const frrArgs = ['withdraw', '--router', 'frr', '--frr-vtysh', vtysh, '--anycast', '192.0.2.1/32'];
const cases = {
  'node -e 0 (bare start)': ['-e', 'process.stderr.write(`started ${performance.now()} ms`)'],
  'withdraw bird (main.js)': [main, ...birdArgs],
  'withdraw frr (main.js)': [main, ...frrArgs],
};
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const spawnAsync = (args) =>
  new Promise((resolve) => {
    // Async spawn: the fake BIRD socket must keep answering on this event loop.
    import('node:child_process').then(({ spawn }) => {
      const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('close', () => resolve(err));
    });
  });
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const err = await spawnAsync(args);
    const m = /(?:started|reload started|vtysh started) (\d+(?:\.\d+)?) ms/.exec(err);
    if (!m) throw new Error(`${name}: no timing in: ${err}`);
    samples[name].push(Number(m[1]));
  }
}
bird.close();
rmSync(dir, { recursive: true, force: true });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(samples['node -e 0 (bare start)']);
console.log(`| case | median ms to reload | over bare start |\n|---|---|---|`);
for (const [name, a] of Object.entries(samples)) console.log(`| ${name} | ${median(a).toFixed(0)} | +${(median(a) - base).toFixed(0)} ms |`);
console.log(`\n${runs} runs each, interleaved; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; node ${process.version}`);
void spawnSync;
