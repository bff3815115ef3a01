// Renders the BIRD 2 include file for an announce state and writes it atomically.

import { readFile } from 'node:fs/promises';
import { writeFileAtomic, type AtomicWriteFs } from '../lib/atomic-write.js';
import { parsePrefixes, type AnycastPrefix } from './prefix.js';

export type AnnounceState = 'announce' | 'deprefer' | 'withdraw';
export const ANNOUNCE_STATES: readonly AnnounceState[] = ['announce', 'deprefer', 'withdraw'];

export interface IncludeSpec {
  state: AnnounceState;
  /** IPv4 and IPv6 CIDR, e.g. 192.0.2.1/32, 2001:db8::1/128. */
  prefixes: string[];
  /** Extra copies of our AS put on the path when de-preferred (0 = none). */
  prependCount: number;
  /** MED set when de-preferred; null/undefined leaves MED alone. */
  med?: number | null;
  /** Standard community (asn, value) added when de-preferred. */
  community?: [number, number] | null;
  /** Why this state; goes into a comment, sanitised. */
  reason: string;
}

/** The names every include file defines, whatever the state. bird.conf may reference all of them. */
export const INCLUDE_NAMES = {
  announce: 'ANYCASTD_ANNOUNCE',
  deprefer: 'ANYCASTD_DEPREFER',
  prepend: 'ANYCASTD_PREPEND',
  static4: 'anycastd_v4',
  static6: 'anycastd_v6',
  isRoute: 'anycastd_is_route',
  exportFn: 'anycastd_export',
} as const;

export const MAX_PREPEND = 16;

export class IncludeSpecError extends Error {
  override readonly name = 'IncludeSpecError';
}

/** Checks the numbers and prefixes; throws IncludeSpecError or PrefixError with a clear message. */
export function validateSpec(spec: IncludeSpec): AnycastPrefix[] {
  if (!(['announce', 'deprefer', 'withdraw'] as const).includes(spec.state)) {
    throw new IncludeSpecError(`state must be announce, deprefer or withdraw, got "${String(spec.state)}"`);
  }
  if (!Number.isInteger(spec.prependCount) || spec.prependCount < 0 || spec.prependCount > MAX_PREPEND) {
    throw new IncludeSpecError(`prependCount must be an integer 0..${MAX_PREPEND}, got ${spec.prependCount}`);
  }
  if (spec.med != null && (!Number.isInteger(spec.med) || spec.med < 0 || spec.med > 0xffffffff)) {
    throw new IncludeSpecError(`med must be an integer 0..4294967295, got ${spec.med}`);
  }
  if (spec.community != null) {
    const c = spec.community;
    if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffff)) {
      throw new IncludeSpecError(`community must be two integers 0..65535, got ${JSON.stringify(c)}`);
    }
  }
  return parsePrefixes(spec.prefixes);
}

/** One printable ASCII line: no newline can end the comment early, no block-comment markers. */
export function sanitizeReason(reason: string): string {
  const flat = String(reason)
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\/\*|\*\//g, '--')
    .replace(/\s+/g, ' ')
    .trim();
  return (flat || '-').slice(0, 200);
}

/** The whole include file. Same names in every state; only the values and routes change. */
export function renderInclude(spec: IncludeSpec, now: Date = new Date()): string {
  const prefixes = validateSpec(spec);
  const announce = spec.state !== 'withdraw';
  const deprefer = spec.state === 'deprefer';
  // Withdrawn: the static protocols keep their names but carry no routes (BIRD 2.0.12 accepts an
  // empty static protocol), and the export function rejects everything as a second guard.
  const routes = (family: 4 | 6): string =>
    announce
      ? prefixes
          .filter((p) => p.family === family)
          .map((p) => `  route ${p.cidr} blackhole;\n`)
          .join('')
      : '';
  const prepends = deprefer ? Array(spec.prependCount).fill('  bgp_path.prepend(anycastd_local_as);\n').join('') : '';
  const med = deprefer && spec.med != null ? `  bgp_med = ${spec.med};\n` : '';
  const community = deprefer && spec.community ? `  bgp_community.add((${spec.community[0]}, ${spec.community[1]}));\n` : '';
  return (
    `# anycastd BIRD include: generated, do not edit (rewritten atomically on every state change).\n` +
    `# state: ${spec.state}\n` +
    `# reason: ${sanitizeReason(spec.reason)}\n` +
    `# written: ${now.toISOString()}\n` +
    `# prefixes: ${prefixes.map((p) => p.cidr).join(' ')}\n` +
    `# Defines in every state: ANYCASTD_ANNOUNCE, ANYCASTD_DEPREFER, ANYCASTD_PREPEND, protocols\n` +
    `# anycastd_v4 and anycastd_v6, functions anycastd_is_route() and anycastd_export(int local_as).\n` +
    `\n` +
    `define ANYCASTD_ANNOUNCE = ${announce ? 1 : 0};\n` +
    `define ANYCASTD_DEPREFER = ${deprefer ? 1 : 0};\n` +
    `define ANYCASTD_PREPEND = ${deprefer ? spec.prependCount : 0};\n` +
    `\n` +
    `protocol static anycastd_v4 {\n  ipv4;\n${routes(4)}}\n` +
    `\n` +
    `protocol static anycastd_v6 {\n  ipv6;\n${routes(6)}}\n` +
    `\n` +
    `# True for the routes of the two static protocols above, and only those.\n` +
    `function anycastd_is_route()\n{\n` +
    `  return proto = "anycastd_v4" || proto = "anycastd_v6";\n}\n` +
    `\n` +
    `# For the upstream BGP export: export where anycastd_export(<our AS>);\n` +
    `# BGP adds our AS once itself; each prepend below adds one more copy.\n` +
    `function anycastd_export(int anycastd_local_as)\n{\n` +
    `  if ANYCASTD_ANNOUNCE = 0 then return false;\n` +
    `  if !anycastd_is_route() then return false;\n` +
    prepends +
    med +
    community +
    `  return true;\n}\n`
  );
}

export interface IncludeHeader {
  state?: AnnounceState;
  reason?: string;
  written?: string;
  prefixes: string[];
}

/** Reads back the comment header; used by `withdraw` to keep the prefixes it announced. */
export function parseIncludeHeader(text: string): IncludeHeader {
  const header: IncludeHeader = { prefixes: [] };
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    const m = /^# (state|reason|written|prefixes): ?(.*)$/.exec(line);
    if (!m) continue;
    const value = m[2].trim();
    if (m[1] === 'state' && (ANNOUNCE_STATES as string[]).includes(value)) header.state = value as AnnounceState;
    else if (m[1] === 'reason') header.reason = value;
    else if (m[1] === 'written') header.written = value;
    else if (m[1] === 'prefixes') header.prefixes = value.split(/\s+/).filter(Boolean);
  }
  return header;
}

/** The header of the file at `path`, or null when it is missing or unreadable. */
export async function readIncludeHeader(path: string): Promise<IncludeHeader | null> {
  try {
    return parseIncludeHeader(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Renders and writes atomically. Throws IncludeSpecError/PrefixError (bad input) or AtomicWriteError. */
export async function writeInclude(
  path: string,
  spec: IncludeSpec,
  opts: { now?: Date; fs?: AtomicWriteFs } = {},
): Promise<string> {
  const text = renderInclude(spec, opts.now);
  await writeFileAtomic(path, text, { fs: opts.fs });
  return text;
}
