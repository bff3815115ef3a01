import { afterEach, describe, expect, it } from 'vitest';
import { transfer, type TransferRequest } from './client.js';
import { ZoneData } from './zone-data.js';
import { compileZoneText } from '../zone/loading/load.js';
import { FakePrimary, a, axfrSteps, ns, soa, type Rec, type Script } from './fake-primary.test-util.js';
import type { TsigKey } from './tsig-keys.js';
import dnsPacket from 'dns-packet';
import { parseMessage, type WireRR } from './message.js';

/** One record as the transfer client would have read it off the wire. */
const wire = (r: Rec): WireRR => parseMessage(dnsPacket.encode({ type: 'response', answers: [r] })).answers[0];

const Z = 'example.test';
const KEY: TsigKey = { name: 'xfr.', algorithm: 'hmac-sha256', secret: Buffer.from('fake primary secret, 32 octets!!') };
const records = Array.from({ length: 120 }, (_, i) => a(`h${i}.${Z}`, `10.0.${i >> 8}.${i & 255}`));
let primary: FakePrimary | null = null;

async function start(script: Script, key: TsigKey | null = null): Promise<FakePrimary> {
  primary = new FakePrimary(script, key);
  await primary.start();
  return primary;
}
afterEach(async () => {
  await primary?.stop();
  primary = null;
});

const req = (p: FakePrimary, o: Partial<TransferRequest> = {}): TransferRequest => ({
  zone: `${Z}.`, primary: { host: '127.0.0.1', port: p.port }, key: null, serial: null, type: 'axfr', idleTimeoutMs: 1000, totalTimeoutMs: 3000, ...o,
});

describe('transfer client against a scripted primary', () => {
  it('AXFR over several messages gives the whole zone, written as a zone file our compiler reads', async () => {
    const p = await start(() => axfrSteps(Z, 10, [ns(Z), ...records], 25));
    const r = await transfer(req(p));
    expect(r.kind).toBe('full');
    if (r.kind !== 'full') return;
    expect(r.serial).toBe(10);
    expect(r.records).toHaveLength(122);
    const zone = new ZoneData(`${Z}.`, r.records);
    const compiled = compileZoneText(await zone.toTextInSlices('test'), `${Z}.`);
    expect(compiled.errors).toEqual([]);
    expect(compiled.zone?.meta.serial).toBe(10);
    expect(compiled.zone?.meta.records).toBe(122);
  });

  it('IXFR: diffs, a lone SOA (up to date), and a full zone instead of diffs', async () => {
    const p = await start((q) =>
      q.ixfrSerial === 10
        ? [{ records: [soa(Z, 12), soa(Z, 10), a(`h0.${Z}`, '10.0.0.0'), soa(Z, 11), a(`new.${Z}`, '192.0.2.1'), soa(Z, 11), soa(Z, 12), a(`n2.${Z}`, '192.0.2.2'), soa(Z, 12)] }]
        : q.ixfrSerial === 12
          ? [{ records: [soa(Z, 12)] }]
          : axfrSteps(Z, 12, [ns(Z), ...records]),
    );
    const inc = await transfer(req(p, { type: 'ixfr', serial: 10 }));
    expect(inc.kind).toBe('incremental');
    if (inc.kind !== 'incremental') return;
    expect(inc.diffs.map((d) => [d.from, d.to, d.deleted.length, d.added.length])).toEqual([[10, 11, 2, 2], [11, 12, 1, 2]]);
    const base = new ZoneData(`${Z}.`, (await transfer(req(p, { type: 'ixfr', serial: 9 })) as unknown as { records: never[] }).records);
    expect(base.size).toBe(122);
    expect(await transfer(req(p, { type: 'ixfr', serial: 12 }))).toEqual({ kind: 'up-to-date', serial: 12 });
  });

  it('a lone SOA on a connection the primary keeps open (as Knot does) is "up to date" at once', async () => {
    const p = await start(() => [{ records: [soa(Z, 12)] }, { hang: true }]);
    expect(await transfer(req(p, { type: 'ixfr', serial: 12 }))).toEqual({ kind: 'up-to-date', serial: 12 });
  });

  it('applies diffs all or nothing, and refuses a diff that deletes what we do not hold', async () => {
    const p = await start(() => axfrSteps(Z, 10, [ns(Z), ...records]));
    const r = await transfer(req(p));
    const zone = new ZoneData(`${Z}.`, (r as unknown as { records: never[] }).records);
    const diff = { from: 10, to: 11, deleted: [], added: [] };
    expect(() => zone.apply([{ ...diff, from: 9 }])).toThrow(/starts at serial 9, we hold 10/);
    expect(zone.soa.serial).toBe(10);
    // A later step fails: the earlier ones are undone, SOA included.
    const lines = async () => (await zone.toTextInSlices('x')).split('\n').sort();
    const before = await lines();
    const good = { from: 10, to: 11, deleted: [soa(Z, 10), a(`h0.${Z}`, '10.0.0.0')].map(wire), added: [soa(Z, 11), a(`n.${Z}`, '192.0.2.7')].map(wire) };
    const bad = { from: 11, to: 12, deleted: [soa(Z, 11), a(`nothere.${Z}`, '192.0.2.8')].map(wire), added: [soa(Z, 12)].map(wire) };
    expect(() => zone.apply([good, bad])).toThrow(/deletes nothere\.example\.test\. type 1, which we do not hold/);
    expect(await lines()).toEqual(before);
    zone.apply([good]);
    expect(zone.soa.serial).toBe(11);
    expect(zone.size).toBe(122);
  });

  it('TSIG: a signed stream verifies; the wrong key is refused', async () => {
    const p = await start(() => axfrSteps(Z, 10, [ns(Z), ...records], 10), KEY);
    expect((await transfer(req(p, { key: KEY }))).kind).toBe('full');
    await expect(transfer(req(p, { key: { ...KEY, secret: Buffer.from('wrong') } }))).rejects.toThrow(/NOTAUTH \(TSIG error BADSIG/);
    await expect(transfer(req(p))).rejects.toThrow(/primary answered NOTAUTH/);
  });

  const bad: [string, Script, RegExp, Partial<TransferRequest>?][] = [
    ['garbage', () => [{ raw: Buffer.from('this is not DNS at all, just bytes') }], /malformed message 1/],
    ['a close mid-stream', () => [...axfrSteps(Z, 10, records, 20).slice(0, 3), { close: true }], /ended before the closing SOA/],
    ['a close inside a message', () => [{ raw: Buffer.alloc(0) }, { close: true }], /malformed|ended/],
    ['a different zone', () => axfrSteps('other.test', 10, [a('x.other.test', '192.0.2.1')]), /outside zone|not example.test/],
    ['a huge RR', () => axfrSteps(Z, 10, [{ name: `big.${Z}`, type: 'TXT', ttl: 1, data: Array.from({ length: 100 }, () => Buffer.alloc(200, 0x61)) }]), /over the 16384 limit/],
    ['a serial going backwards', () => axfrSteps(Z, 5, records), /serial went backwards/, { type: 'axfr', serial: 10 }],
    ['REFUSED', () => [{ raw: Buffer.from('000084050001000000000000076578616d706c6504746573740000fc0001', 'hex') }], /primary answered REFUSED|ID/],
    ['silence', () => [{ hang: true }], /no data from the primary/],
  ];
  it.each(bad)('rejects %s whole', async (_name, script, message, o) => {
    const p = await start(script);
    await expect(transfer(req(p, o))).rejects.toThrow(message);
  });
});
