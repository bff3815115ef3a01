// `--secondary ORIGIN@ADDR[:PORT][,key=NAME]`, `--catalog ...`, `--tsig-keys`, `--xfr-dir`, `--keep-expired-announced`
// turned into one checked configuration shared by the control plane (transfers) and the workers (NOTIFY ACL).

import { isIP } from 'node:net';
import { nameFromText } from '../zone/text/name-text.js';
import { type TsigKey, readTsigKeys } from './tsig-keys.js';

export interface SecondarySource {
  /** Absolute, lower case. */
  origin: string;
  host: string;
  port: number;
  keyName: string | null;
}

export interface SecondaryConfig {
  zones: SecondarySource[];
  catalogs: SecondarySource[];
  keys: TsigKey[];
  dir: string;
  keepExpiredAnnounced: boolean;
}

export interface SecondaryFlags {
  secondary?: string[];
  catalog?: string[];
  tsigKeys?: string;
  xfrDir?: string;
  keepExpiredAnnounced?: boolean;
}

export function parseSource(flag: string, text: string, keys: TsigKey[]): SecondarySource {
  const m = /^([^@\s]+)@(\[[0-9a-fA-F:.]+\]|[^:,[\]]+)(?::(\d+))?(?:,key=([^,\s]+))?$/.exec(text);
  if (!m) throw new Error(`--${flag} expects ORIGIN@ADDR[:PORT][,key=KEYNAME] (IPv6 as [addr]:port), got "${text}"`);
  const origin = (m[1].endsWith('.') ? m[1] : `${m[1]}.`).toLowerCase();
  try {
    nameFromText(origin, null);
  } catch (err) {
    throw new Error(`--${flag} "${text}": bad zone name: ${(err as Error).message}`);
  }
  const host = m[2].replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) throw new Error(`--${flag} "${text}": the primary must be an IP address, got "${host}"`);
  const port = m[3] === undefined ? 53 : Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`--${flag} "${text}": bad port ${m[3]}`);
  let keyName: string | null = null;
  if (m[4] !== undefined) {
    keyName = (m[4].endsWith('.') ? m[4] : `${m[4]}.`).toLowerCase();
    if (!keys.some((k) => k.name === keyName)) throw new Error(`--${flag} "${text}": no TSIG key ${keyName} in --tsig-keys`);
  }
  return { origin, host, port, keyName };
}

/** Null when no secondary or catalog zone is configured: then nothing of this runs. */
export function secondaryConfig(flags: SecondaryFlags): SecondaryConfig | null {
  const keys = flags.tsigKeys ? readTsigKeys(flags.tsigKeys) : [];
  const zones = (flags.secondary ?? []).map((s) => parseSource('secondary', s, keys));
  const catalogs = (flags.catalog ?? []).map((s) => parseSource('catalog', s, keys));
  const seen = new Set<string>();
  for (const z of [...zones, ...catalogs]) {
    if (seen.has(z.origin)) throw new Error(`zone ${z.origin} is given twice in --secondary/--catalog`);
    seen.add(z.origin);
  }
  if (zones.length === 0 && catalogs.length === 0) return null;
  return { zones, catalogs, keys, dir: flags.xfrDir ?? './secondary', keepExpiredAnnounced: flags.keepExpiredAnnounced ?? false };
}
