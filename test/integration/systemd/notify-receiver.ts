// Test helper: a fake systemd NOTIFY_SOCKET (a Python unix datagram server) that records each datagram and its fds.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Node cannot bind AF_UNIX datagram sockets, so the receiving end is Python's socket module. */
const RECEIVER = `
import array, json, os, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path if not path.startswith('@') else '\\0' + path[1:])
print(json.dumps({'bound': True}), flush=True)
while True:
    msg, anc, flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(16 * 4))
    fds = []
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            a = array.array('i')
            a.frombytes(data[: len(data) - len(data) % a.itemsize])
            fds.extend(a)
    # Closing the fd is what PID 1 does with a BARRIER=1: it releases the waiting systemd-notify.
    for fd in fds:
        os.close(fd)
    print(json.dumps({'text': msg.decode('utf-8', 'replace'), 'fds': len(fds)}), flush=True)
`;

export interface Datagram {
  text: string;
  fds: number;
  at: number;
}

export interface NotifyReceiver {
  /** The value for NOTIFY_SOCKET. */
  socket: string;
  received: Datagram[];
  /** The assignments of every datagram except barriers, flattened in arrival order. */
  assignments(): string[];
  waitFor(pred: (d: Datagram[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function python(): string | null {
  const r = spawnSync('python3', ['-c', 'import socket; print(socket.AF_UNIX)'], { encoding: 'utf8' });
  return r.status === 0 ? 'python3' : null;
}

export function systemdNotify(): string | null {
  const r = spawnSync('systemd-notify', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'systemd-notify' : null;
}

/** Starts the receiver on a fresh path (or an abstract name when abstract is true). */
export async function startReceiver(abstract = false): Promise<NotifyReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'anycastd-notify-'));
  const socket = abstract ? `@anycastd-test-${process.pid}-${Date.now()}` : join(dir, 'notify.sock');
  const proc: ChildProcess = spawn('python3', ['-c', RECEIVER, socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  const received: Datagram[] = [];
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (line) => {
      const msg = JSON.parse(line) as { bound?: boolean; text?: string; fds?: number };
      if (msg.bound) resolve();
      else received.push({ text: msg.text!, fds: msg.fds!, at: Date.now() });
    });
    proc.once('exit', (code) => reject(new Error(`receiver exited (${code}): ${stderr}`)));
  });
  const waitFor = async (pred: (d: Datagram[]) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pred(received)) {
      if (Date.now() > deadline) throw new Error(`timed out; received: ${JSON.stringify(received.map((d) => d.text))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    socket,
    received,
    assignments: () => received.filter((d) => d.text !== 'BARRIER=1').flatMap((d) => d.text.split('\n')),
    waitFor,
    close: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
