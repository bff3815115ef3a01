// Child processes of a bench run: every one is tracked and killed at the end, on error, on ^C and on exit.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import dgram from 'node:dgram';
import { rmSync } from 'node:fs';

const live = new Set();
const tempPaths = new Set();

/** Deletes path (file or directory) when the bench exits, however it exits. */
export function removeOnExit(path) {
  tempPaths.add(path);
}

/** spawn() that remembers the child until it exits, so killAll() can end it. */
export function spawnTracked(cmd, args, options = {}) {
  const child = spawn(cmd, args, options);
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after graceMs for any child still alive. */
export async function stopChild(child, graceMs = 2000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function killAll() {
  await Promise.all([...live].map((c) => stopChild(c)));
}

let installed = false;
/** Makes sure no child outlives the bench: ^C, SIGTERM and a plain exit all kill what is left. */
export function installCleanup() {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
    for (const p of tempPaths) rmSync(p, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      console.error(`\n${sig}: stopping servers`);
      void killAll().finally(() => process.exit(130));
    });
  }
}

/** A port on 127.0.0.1 that is free for both TCP and UDP right now. */
export async function freePort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise((ok, fail) => {
      const srv = createServer();
      srv.once('error', fail);
      srv.listen(0, '127.0.0.1', () => {
        const p = srv.address().port;
        srv.close(() => ok(p));
      });
    });
    const udpFree = await new Promise((ok) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => ok(false));
      s.bind(port, '127.0.0.1', () => s.close(() => ok(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port found on 127.0.0.1');
}

/** Collects a child's output (for error reports and log scanning) without letting it grow without bound. */
export function captureOutput(child, limit = 1 << 20) {
  const out = { text: '' };
  const add = (chunk) => {
    if (out.text.length < limit) out.text += chunk.toString();
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return out;
}
