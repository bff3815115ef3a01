// 1000 reloads of a small zone while UDP queries flow: no query lost, every answer from a whole zone, no heap growth.

import dgram from 'node:dgram';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import pino from 'pino';
import { DnsServer } from '../../../src/server/server.js';
import { serveConfig } from '../../../src/cli/serve-config.js';
import { readServeOptions } from '../../../src/cli/serve-options.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const RELOADS = 1000;

function zoneText(serial: number): string {
  // Every version has the same names; the TXT carries the serial so an answer shows which version served it.
  return `$ORIGIN reload.test.\n$TTL 60\n@ SOA ns1 host ${serial} 7200 900 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\nv TXT "${serial}"\n`;
}

/** JS heap plus ArrayBuffer memory (compiled zones live in ArrayBuffers, outside the JS heap) after GC. */
function heapAfterGc(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('zone reloads under query load', () => {
  let dir: string;
  let server: DnsServer;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-reload-'));
    writeFileSync(join(dir, 'reload.test.zone'), zoneText(1));
    const config = serveConfig(readServeOptions({
      listen: ['127.0.0.1:0'], zones: dir, nsid: 't', maxUdpSize: '1232', tcpIdleMs: '1000', tcpMaxConnections: '10', tcpMaxQueries: '10',
      zonesRescanMs: '60000', zonesDebounceMs: '1', zoneDeleteGraceMs: '1000', zoneOrigin: [],
    }));
    server = new DnsServer(config.server, pino({ level: 'silent' }));
    await server.start();
    port = server.udpAddresses()[0].port;
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers every query across ${RELOADS} reloads and frees old zones`, async () => {
    const client = dgram.createSocket('udp4');
    const pending = new Map<number, number>(); // id -> sent at
    let answered = 0;
    let wrong = 0;
    let lastSerialSeen = 0;
    client.on('message', (msg) => {
      const res = dnsPacket.decode(msg) as unknown as { id: number; rcode: string; answers: { data: Buffer[] }[] };
      if (!pending.delete(res.id)) return;
      answered++;
      const serial = Number(Buffer.from(res.answers[0]?.data?.[0] ?? '').toString());
      if (res.rcode !== 'NOERROR' || !(serial >= 1)) wrong++;
      lastSerialSeen = Math.max(lastSerialSeen, serial);
    });
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', r));
    let nextId = 1;
    let sent = 0;
    const send = () => {
      const id = nextId++ & 0xffff;
      pending.set(id, Date.now());
      sent++;
      client.send(dnsPacket.encode({ type: 'query', id, questions: [{ name: 'v.reload.test', type: 'TXT' }] }), port, '127.0.0.1');
    };
    // A steady load: 8 queries every 2 ms, bounded by the reload loop below and a hard cap.
    const load = setInterval(() => {
      for (let i = 0; i < 8 && sent < 200_000; i++) send();
    }, 2);

    let heapStart = 0;
    const file = join(dir, 'reload.test.zone');
    const started = Date.now();
    for (let serial = 2; serial <= RELOADS + 1; serial++) {
      writeFileSync(`${file}.tmp`, zoneText(serial));
      renameSync(`${file}.tmp`, file);
      await server.zones.sync(false);
      if (serial === 100) heapStart = heapAfterGc(); // after warm-up: JIT, pools, first zone sets
    }
    clearInterval(load);
    const deadline = Date.now() + 3000;
    while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    client.close();
    const heapEnd = heapAfterGc();
    const seconds = (Date.now() - started) / 1000;
    console.log(`${RELOADS} reloads in ${seconds.toFixed(1)} s; ${sent} queries sent, ${answered} answered, ${pending.size} lost, ${wrong} wrong; heap+arrayBuffers after GC ${(heapStart / 1e6).toFixed(1)} MB -> ${(heapEnd / 1e6).toFixed(1)} MB`);

    expect(server.zones.status()[0].serial).toBe(RELOADS + 1);
    expect(lastSerialSeen).toBeGreaterThan(RELOADS / 2);
    expect(pending.size).toBe(0);
    expect(wrong).toBe(0);
    expect(answered).toBe(sent);
    // Each compiled zone of this size is a few KB; a leak of every old zone would add megabytes.
    expect(heapEnd - heapStart).toBeLessThan(2_000_000);
  }, 120_000);
});
