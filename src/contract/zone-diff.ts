// An IXFR diff on its way from the control plane (which transfers) to the data path (which patches its compiled
// zone): records packed per step, base64 in the IPC message, since cluster IPC is JSON.

import { type PackableRecord, packRecords } from '../zone/records/packed-records.js';
import type { ZonePatch } from '../zone/compiled/patch.js';

export interface ZoneDiffMessage {
  kind: 'zone-diff';
  origin: string;
  fromSerial: number;
  toSerial: number;
  steps: { deleted: string; added: string }[];
}

export interface DiffStep {
  from: number;
  to: number;
  deleted: PackableRecord[];
  added: PackableRecord[];
}

export function zoneDiffMessage(origin: string, steps: DiffStep[]): ZoneDiffMessage {
  const b64 = (records: PackableRecord[]) => Buffer.from(packRecords(records)).toString('base64');
  return {
    kind: 'zone-diff', origin, fromSerial: steps[0].from, toSerial: steps[steps.length - 1].to,
    steps: steps.map((s) => ({ deleted: b64(s.deleted), added: b64(s.added) })),
  };
}

export function zonePatchOf(msg: ZoneDiffMessage): ZonePatch {
  const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
  return { fromSerial: msg.fromSerial, toSerial: msg.toSerial, steps: msg.steps.map((s) => ({ deleted: bytes(s.deleted), added: bytes(s.added) })) };
}
