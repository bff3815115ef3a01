// Builds a compiled zone's denial-of-existence index: NSEC owners in canonical order, NSEC3 hashes sorted and matched to names.

import {
  type CompiledZone, Denial, NODE_STRIDE, N_NAME_OFF, N_NAME_LEN, N_FLAGS, N_CUT, F_NSEC3_OWNER,
  NSEC3_HASH_LENGTH, RRSET_STRIDE, R_DATA_OFF, findRRset,
} from '../compiled/compiled.js';
import { compareLabels } from '../../wire/canonical.js';
import { T_NSEC, T_NSEC3 } from '../../wire/constants.js';
import { compareHash, decodeBase32Hex, nsec3Hash } from './nsec3-hash.js';

const T_NSEC3PARAM = 51;

/** Node indices in canonical order: a pre-order walk of the name tree with siblings sorted by label. */
export function canonicalOrder(zone: CompiledZone, parent: Int32Array, nodeCount: number): Int32Array {
  const childStart = new Int32Array(nodeCount + 1);
  for (let n = 1; n < nodeCount; n++) childStart[parent[n] + 1]++;
  for (let n = 0; n < nodeCount; n++) childStart[n + 1] += childStart[n];
  const children = new Int32Array(Math.max(0, nodeCount - 1));
  const fill = childStart.slice(0, nodeCount);
  for (let n = 1; n < nodeCount; n++) children[fill[parent[n]]++] = n;
  const names = zone.names;
  const nodes = zone.nodes;
  const byLabel = (a: number, b: number): number => compareLabels(names, nodes[a * NODE_STRIDE + N_NAME_OFF], names, nodes[b * NODE_STRIDE + N_NAME_OFF]);
  for (let n = 0; n < nodeCount; n++) {
    if (childStart[n + 1] - childStart[n] > 1) children.subarray(childStart[n], childStart[n + 1]).sort(byLabel);
  }
  const order = new Int32Array(nodeCount);
  const stack = new Int32Array(nodeCount);
  let top = 0;
  let out = 0;
  stack[top++] = 0;
  while (top > 0) {
    const n = stack[--top];
    order[out++] = n;
    for (let c = childStart[n + 1] - 1; c >= childStart[n]; c--) stack[top++] = children[c];
  }
  return order;
}

/** Fills zone.denial and the NSEC/NSEC3 arrays; `order` is canonicalOrder(). */
export function buildDenialIndex(zone: CompiledZone, order: Int32Array): void {
  const nodeCount = zone.nodes.length / NODE_STRIDE;
  const nsecOwners: number[] = [];
  const nsec3Owners: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const n = order[i];
    if (findRRset(zone, n, T_NSEC) >= 0) nsecOwners.push(n);
    if (findRRset(zone, n, T_NSEC3) >= 0) nsec3Owners.push(n);
  }
  zone.nsecOrder = Int32Array.from(nsecOwners);
  if (nsec3Owners.length === 0) {
    zone.denial = nsecOwners.length > 0 ? Denial.Nsec : Denial.None;
    return;
  }
  zone.denial = Denial.Nsec3;
  // Hashes come from the owner labels themselves: no hashing needed to index the chain.
  const raw = new Uint8Array(nsec3Owners.length * NSEC3_HASH_LENGTH);
  const valid: number[] = [];
  for (const n of nsec3Owners) {
    const base = n * NODE_STRIDE;
    zone.nodes[base + N_FLAGS] |= F_NSEC3_OWNER;
    const off = zone.nodes[base + N_NAME_OFF];
    const at = valid.length * NSEC3_HASH_LENGTH;
    if (decodeBase32Hex(zone.names, off + 1, zone.names[off], raw, at) === NSEC3_HASH_LENGTH) valid.push(n);
  }
  const idx = Array.from(valid.keys()).sort((a, b) => compareHash(raw, a * NSEC3_HASH_LENGTH, raw, b * NSEC3_HASH_LENGTH, NSEC3_HASH_LENGTH));
  zone.nsec3Hashes = new Uint8Array(idx.length * NSEC3_HASH_LENGTH);
  zone.nsec3Nodes = new Int32Array(idx.length);
  idx.forEach((from, to) => {
    zone.nsec3Hashes.set(raw.subarray(from * NSEC3_HASH_LENGTH, (from + 1) * NSEC3_HASH_LENGTH), to * NSEC3_HASH_LENGTH);
    zone.nsec3Nodes[to] = valid[from];
  });
  readNsec3Params(zone, nsec3Owners[0]);
  const hash = new Uint8Array(NSEC3_HASH_LENGTH);
  zone.nodeNsec3 = new Int32Array(nodeCount).fill(-1);
  for (let n = 0; n < nodeCount; n++) {
    const base = n * NODE_STRIDE;
    if (zone.nodes[base + N_FLAGS] & F_NSEC3_OWNER || zone.nodes[base + N_CUT] >= 0) continue;
    nsec3Hash(zone.names, zone.nodes[base + N_NAME_OFF], zone.nodes[base + N_NAME_LEN], zone.nsec3Salt, zone.nsec3Iterations, hash, 0);
    const i = findHash(zone, hash);
    zone.nodeNsec3[n] = i >= 0 && compareHash(zone.nsec3Hashes, i * NSEC3_HASH_LENGTH, hash, 0, NSEC3_HASH_LENGTH) === 0 ? i : -1;
  }
}

/** Salt and iterations from NSEC3PARAM at the apex (what Knot answers with), else from the first NSEC3. */
function readNsec3Params(zone: CompiledZone, firstNsec3: number): void {
  const param = findRRset(zone, zone.apex, T_NSEC3PARAM);
  const rrset = param >= 0 ? param : findRRset(zone, firstNsec3, T_NSEC3);
  const p = zone.rrsets[rrset * RRSET_STRIDE + R_DATA_OFF] + 2;
  const rdata = zone.rdata;
  zone.nsec3Iterations = (rdata[p + 2] << 8) | rdata[p + 3];
  zone.nsec3Salt = rdata.slice(p + 5, p + 5 + rdata[p + 4]);
}

/**
 * Index of the NSEC3 whose hash equals `hash` or, failing that, the one that covers it (the greatest
 * hash below it, wrapping to the last one: RFC 5155 section 7.2.1). -1 when the zone has no NSEC3.
 */
export function findHash(zone: CompiledZone, hash: Uint8Array): number {
  const count = zone.nsec3Nodes.length;
  if (count === 0) return -1;
  let lo = 0;
  let hi = count - 1;
  let best = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = compareHash(zone.nsec3Hashes, mid * NSEC3_HASH_LENGTH, hash, 0, NSEC3_HASH_LENGTH);
    if (d === 0) return mid;
    if (d < 0) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return lo === 0 ? count - 1 : best;
}

