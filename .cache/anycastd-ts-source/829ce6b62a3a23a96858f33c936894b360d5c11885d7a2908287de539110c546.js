// Turns a stream of parsed records into a CompiledZone: names hashed, RRsets grouped and wire-encoded, cuts marked.
import { GrowableBytes, GrowableInt32, zoneInt32Array } from './growable.js';
import { NODE_STRIDE, N_NAME_OFF, N_NAME_LEN, N_FLAGS, N_FIRST_RRSET, N_RRSET_COUNT, N_CUT, N_WILDCARD, N_HASH, F_APEX, F_DELEGATION, F_DNAME, F_CNAME, RRSET_STRIDE, R_TTL, R_DATA_OFF, findNode, findSignatures, Denial, } from './compiled.js';
import { buildDenialIndex, canonicalOrder } from '../dnssec/denial-index.js';
import { checkDenialChain } from '../dnssec/chain-checks.js';
import { typeToText } from '../text/rdata/types.js';
import { checkGlue, checkNode, checkZone } from '../records/checks.js';
import { copyNameLower, hashNameBackward, isSubdomain, labelCount, nameLength, nameToString } from '../../wire/name.js';
import { T_CNAME, T_DNAME, T_MX, T_NS, T_RRSIG, T_SOA, T_SRV } from '../../wire/constants.js';
const TARGET_TUPLE = 6;
/** Where the name that additional-section processing follows sits inside the RDATA, or -1. */
function targetOffset(type) {
    if (type === T_NS)
        return 0;
    if (type === T_MX)
        return 2;
    if (type === T_SRV)
        return 6;
    return -1;
}
export class ZoneCompiler {
    file;
    apex;
    names = new GrowableBytes(1 << 16);
    nodeNameOff = new GrowableInt32();
    nodeNameLen = new GrowableInt32();
    nodeHash = new GrowableInt32();
    nodeParent = new GrowableInt32();
    hashTable = new Int32Array(1024);
    recNode = new GrowableInt32();
    recType = new GrowableInt32();
    recTtl = new GrowableInt32();
    recLine = new GrowableInt32();
    recOff = new GrowableInt32();
    rdataIn = new GrowableBytes(1 << 16);
    scratch = new Uint8Array(256);
    errors = [];
    warnings = [];
    files = [];
    recFile = new GrowableInt32();
    constructor(origin, file) {
        this.file = file;
        this.apex = new Uint8Array(nameLength(origin, 0));
        copyNameLower(origin, 0, this.apex, 0);
        this.internNode(this.apex, 0, this.apex.length);
    }
    add(rec) {
        const len = copyNameLower(rec.owner, 0, this.scratch, 0);
        if (!isSubdomain(this.scratch, 0, len, this.apex, 0, this.apex.length)) {
            this.errors.push({ file: rec.file, line: rec.line, message: `${nameToString(rec.owner)} is outside the zone ${nameToString(this.apex)}` });
            return;
        }
        let fileIndex = this.files.length - 1;
        if (fileIndex < 0 || this.files[fileIndex] !== rec.file) {
            fileIndex = this.files.indexOf(rec.file);
            if (fileIndex < 0)
                fileIndex = this.files.push(rec.file) - 1;
        }
        this.recNode.push(this.internNode(this.scratch, 0, len));
        this.recType.push(rec.type);
        this.recTtl.push(rec.ttl);
        this.recLine.push(rec.line);
        this.recFile.push(fileIndex);
        this.recOff.push(this.rdataIn.length);
        this.rdataIn.pushU16(rec.rdata.length);
        this.rdataIn.append(rec.rdata);
    }
    /** Reports a problem found outside the compiler (the parser's), so that finish() fails the zone. */
    addError(p) {
        this.errors.push(p);
    }
    get recordCount() {
        return this.recNode.length;
    }
    /** Finds or creates the node for a lower-case name, creating empty non-terminals up to the apex. */
    internNode(buf, off, len) {
        const hash = hashNameBackward(buf, off, off + len);
        const mask = this.hashTable.length - 1;
        let slot = hash & mask;
        for (;;) {
            const entry = this.hashTable[slot];
            if (entry === 0)
                break;
            const n = entry - 1;
            if (this.nodeHash.data[n] === (hash | 0) && this.nodeNameLen.data[n] === len && this.sameName(n, buf, off, len))
                return n;
            slot = (slot + 1) & mask;
        }
        const node = this.nodeNameOff.length;
        this.nodeNameOff.push(this.names.append(buf, off, len));
        this.nodeNameLen.push(len);
        this.nodeHash.push(hash | 0);
        this.nodeParent.push(-1);
        this.hashTable[slot] = node + 1;
        if ((node + 1) * 2 > this.hashTable.length)
            this.rehash(this.hashTable.length * 2);
        if (len > this.apex.length)
            this.nodeParent.data[node] = this.internNode(buf, off + buf[off] + 1, len - buf[off] - 1);
        return node;
    }
    sameName(node, buf, off, len) {
        const names = this.names.data;
        const at = this.nodeNameOff.data[node];
        for (let i = 0; i < len; i++)
            if (names[at + i] !== buf[off + i])
                return false;
        return true;
    }
    rehash(size) {
        const table = zoneInt32Array(size);
        const mask = size - 1;
        for (let n = 0; n < this.nodeNameOff.length; n++) {
            let slot = this.nodeHash.data[n] & mask;
            while (table[slot] !== 0)
                slot = (slot + 1) & mask;
            table[slot] = n + 1;
        }
        this.hashTable = table;
    }
    finish() {
        const nodeCount = this.nodeNameOff.length;
        const recCount = this.recNode.length;
        // Counting sort of records by node: O(n), no comparator calls over a million records.
        const start = new Int32Array(nodeCount + 1);
        for (let r = 0; r < recCount; r++)
            start[this.recNode.data[r] + 1]++;
        for (let n = 0; n < nodeCount; n++)
            start[n + 1] += start[n];
        const order = new Int32Array(recCount);
        const fill = start.slice(0, nodeCount);
        for (let r = 0; r < recCount; r++)
            order[fill[this.recNode.data[r]]++] = r;
        const nodes = zoneInt32Array(nodeCount * NODE_STRIDE);
        const rrsets = new GrowableInt32(Math.max(1024, nodeCount * RRSET_STRIDE));
        const rdata = new GrowableBytes(Math.max(1 << 16, this.rdataIn.length));
        const targetNames = []; // per target: targets index, rdata offset of the name, owner node, line, type, file index
        let kept = 0;
        let soaRRset = -1;
        // Where each name's first record is: DNSSEC chain problems are reported at it.
        const nodeLine = new Int32Array(nodeCount);
        const nodeFile = new Int32Array(nodeCount);
        const view = { node: 0, types: [], counts: [], lines: [], isApex: false, file: this.file };
        const byType = [];
        for (let n = 0; n < nodeCount; n++) {
            const base = n * NODE_STRIDE;
            nodes[base + N_NAME_OFF] = this.nodeNameOff.data[n];
            nodes[base + N_NAME_LEN] = this.nodeNameLen.data[n];
            nodes[base + N_HASH] = this.nodeHash.data[n];
            nodes[base + N_CUT] = -1;
            nodes[base + N_WILDCARD] = -1;
            nodes[base + N_FIRST_RRSET] = rrsets.length / RRSET_STRIDE;
            const isApex = n === 0;
            let flags = isApex ? F_APEX : 0;
            const from = start[n];
            const to = start[n + 1];
            if (from === to) {
                nodes[base + N_FLAGS] = flags;
                continue;
            }
            byType.length = 0;
            for (let i = from; i < to; i++)
                byType.push(order[i]);
            const recType = this.recType.data;
            // RRSIGs are grouped per covered type, each group with its own TTL (RFC 4034 section 3).
            if (byType.length > 1)
                byType.sort((a, b) => recType[a] - recType[b] || this.covered(a) - this.covered(b) || a - b);
            view.types.length = 0;
            view.counts.length = 0;
            view.lines.length = 0;
            view.isApex = isApex;
            let rrsetCount = 0;
            for (let i = 0; i < byType.length;) {
                const type = recType[byType[i]];
                let j = i;
                const covers = this.covered(byType[i]);
                while (j < byType.length && recType[byType[j]] === type && this.covered(byType[j]) === covers)
                    j++;
                const row = rrsets.length;
                const first = byType[i];
                const ttl = this.recTtl.data[first];
                const dataOff = rdata.length;
                const tOff = targetOffset(type);
                const firstTarget = targetNames.length / TARGET_TUPLE;
                let count = 0;
                for (let k = i; k < j; k++) {
                    const r = byType[k];
                    if (this.recTtl.data[r] !== ttl) {
                        this.warnings.push({
                            file: this.files[this.recFile.data[r]], line: this.recLine.data[r],
                            message: `TTL ${this.recTtl.data[r]} differs from ${ttl} within the RRset; using ${ttl} (RFC 2181 section 5.2)`,
                        });
                    }
                    if (this.isDuplicate(r, rdata.data, dataOff, rdata.length))
                        continue;
                    if (type === T_RRSIG)
                        this.noteExpiry(r, n);
                    const off = this.recOff.data[r];
                    const len = 2 + ((this.rdataIn.data[off] << 8) | this.rdataIn.data[off + 1]);
                    const at = rdata.append(this.rdataIn.data, off, len);
                    if (tOff >= 0)
                        targetNames.push(targetNames.length / TARGET_TUPLE, at + 2 + tOff, n, this.recLine.data[r], type, this.recFile.data[r]);
                    count++;
                }
                kept += count;
                rrsets.push(type);
                rrsets.push(ttl);
                rrsets.push(count);
                rrsets.push(dataOff);
                rrsets.push(rdata.length);
                rrsets.push(tOff < 0 ? -1 : firstTarget);
                if (type === T_SOA && isApex)
                    soaRRset = row / RRSET_STRIDE;
                if (type === T_NS && !isApex)
                    flags |= F_DELEGATION;
                if (type === T_DNAME)
                    flags |= F_DNAME;
                if (type === T_CNAME)
                    flags |= F_CNAME;
                view.types.push(type);
                view.counts.push(count);
                view.lines.push(this.recLine.data[first]);
                rrsetCount++;
                i = j;
            }
            view.file = this.files[this.recFile.data[byType[0]]];
            nodeLine[n] = this.recLine.data[byType[0]];
            nodeFile[n] = this.recFile.data[byType[0]];
            view.node = n;
            checkNode(view, this.errors, this.nameOf);
            nodes[base + N_FLAGS] = flags;
            nodes[base + N_RRSET_COUNT] = rrsetCount;
        }
        this.linkTree(nodes, nodeCount);
        const first = this.firstLine();
        // The per-record scratch is done with: let it go before the exact-size copies below are made.
        for (const g of [this.recNode, this.recType, this.recTtl, this.recLine, this.recOff, this.recFile, this.rdataIn])
            g.release();
        const zone = {
            meta: { origin: nameToString(this.apex), serial: 0, records: kept, file: this.file, loadedAt: Date.now(), signatureExpiry: 0, signatureExpiryWhere: '', signatureExpiryRecord: '' },
            apex: 0,
            apexName: this.apex,
            apexLabels: labelCount(this.apex, 0),
            names: this.names.toArray(),
            nodes,
            hashTable: this.hashTable,
            rrsets: rrsets.toArray(),
            rdata: rdata.toArray(),
            targets: zoneInt32Array(targetNames.length / TARGET_TUPLE),
            negativeTtl: 0,
            soaRRset,
            signed: false,
            denial: Denial.None,
            nsecOrder: new Int32Array(0),
            nsec3Hashes: new Uint8Array(0),
            nsec3Nodes: new Int32Array(0),
            nodeNsec3: new Int32Array(0),
            nsec3Salt: new Uint8Array(0),
            nsec3Iterations: 0,
        };
        zone.meta.signatureExpiry = this.earliestExpiry;
        zone.meta.signatureExpiryWhere = this.earliestExpiryWhere;
        zone.meta.signatureExpiryRecord = this.earliestExpiryRecord;
        zone.signed = hasSignatureOver(zone, 0, T_SOA);
        this.resolveTargets(zone, targetNames);
        if (zone.signed) {
            const order = canonicalOrder(zone, this.nodeParent.data, nodeCount);
            buildDenialIndex(zone, order);
            const files = this.files.length ? this.files : [this.file];
            checkDenialChain(zone, order, { file: (n) => files[nodeFile[n]], line: (n) => nodeLine[n] }, this.warnings);
        }
        checkZone(zone, first, this.errors);
        if (soaRRset >= 0) {
            const base = soaRRset * RRSET_STRIDE;
            const p = zone.rrsets[base + R_DATA_OFF] + 2;
            const afterNames = p + nameLength(zone.rdata, p);
            const fields = afterNames + nameLength(zone.rdata, afterNames);
            const dv = new DataView(zone.rdata.buffer, zone.rdata.byteOffset);
            zone.meta.serial = dv.getUint32(fields);
            zone.negativeTtl = Math.min(zone.rrsets[base + R_TTL], dv.getUint32(fields + 16));
        }
        return { zone: this.errors.length ? null : zone, errors: this.errors, warnings: this.warnings };
    }
    /** The type an RRSIG record covers (0 for other types), read from the scratch RDATA. */
    covered(r) {
        if (this.recType.data[r] !== T_RRSIG)
            return 0;
        const off = this.recOff.data[r] + 2;
        return (this.rdataIn.data[off] << 8) | this.rdataIn.data[off + 1];
    }
    earliestExpiry = 0;
    earliestExpiryWhere = '';
    earliestExpiryRecord = '';
    /** Keeps the earliest signature expiration (RFC 4034 section 3.1.5) and where it is. */
    noteExpiry(r, node) {
        const off = this.recOff.data[r] + 2 + 8;
        const d = this.rdataIn.data;
        const expiry = ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
        if (this.earliestExpiry !== 0 && expiry >= this.earliestExpiry)
            return;
        this.earliestExpiry = expiry;
        this.earliestExpiryWhere = `${this.files[this.recFile.data[r]]}:${this.recLine.data[r]}`;
        this.earliestExpiryRecord = `${this.nameOf(node)} RRSIG(${typeToText(this.covered(r))})`;
    }
    nameOf = (node) => nameToString(this.names.data, this.nodeNameOff.data[node]);
    firstLine() {
        return { file: this.file, line: this.recLine.length ? this.recLine.data[0] : 0 };
    }
    /** RFC 2181 section 5: an RRset is a set; identical records are merged. */
    isDuplicate(r, out, from, to) {
        const src = this.rdataIn.data;
        const off = this.recOff.data[r];
        const len = 2 + ((src[off] << 8) | src[off + 1]);
        for (let p = from; p < to;) {
            const l = 2 + ((out[p] << 8) | out[p + 1]);
            if (l === len) {
                let same = true;
                for (let i = 2; i < len; i++)
                    if (out[p + i] !== src[off + i]) {
                        same = false;
                        break;
                    }
                if (same)
                    return true;
            }
            p += l;
        }
        return false;
    }
    /** Marks wildcard children and, for each node, the topmost NS/DNAME cut above it. */
    linkTree(nodes, nodeCount) {
        const parent = this.nodeParent.data;
        const names = this.names.data;
        const done = new Uint8Array(nodeCount);
        done[0] = 1;
        const path = [];
        for (let n = 1; n < nodeCount; n++) {
            const off = this.nodeNameOff.data[n];
            if (names[off] === 1 && names[off + 1] === 0x2a)
                nodes[parent[n] * NODE_STRIDE + N_WILDCARD] = n;
            let m = n;
            while (!done[m]) {
                path.push(m);
                m = parent[m];
            }
            while (path.length) {
                const c = path.pop();
                const p = parent[c];
                const pflags = nodes[p * NODE_STRIDE + N_FLAGS];
                // The topmost cut wins: everything below it, nested cuts included, belongs to the child zone.
                const above = nodes[p * NODE_STRIDE + N_CUT];
                nodes[c * NODE_STRIDE + N_CUT] = above >= 0 ? above : pflags & (F_DELEGATION | F_DNAME) ? p : -1;
                done[c] = 1;
            }
        }
    }
    /**
     * Precomputes, for each NS/MX/SRV record, the node of its target so that additional data needs
     * no lookup per query; checks glue for delegations on the way.
     */
    resolveTargets(zone, targetNames) {
        const name = this.scratch;
        for (let i = 0; i < targetNames.length; i += TARGET_TUPLE) {
            const len = copyNameLower(zone.rdata, targetNames[i + 1], name, 0);
            const inZone = isSubdomain(name, 0, len, this.apex, 0, this.apex.length);
            const target = inZone ? findNode(zone, hashNameBackward(name, 0, len), name, 0, len) : -1;
            zone.targets[targetNames[i]] = target;
            const owner = targetNames[i + 2];
            const base = owner * NODE_STRIDE;
            if (targetNames[i + 4] !== T_NS || !(zone.nodes[base + N_FLAGS] & F_DELEGATION))
                continue;
            if (isSubdomain(name, 0, len, zone.names, zone.nodes[base + N_NAME_OFF], zone.nodes[base + N_NAME_LEN])) {
                checkGlue(zone, owner, target, nameToString(name), { file: this.files[targetNames[i + 5]], line: targetNames[i + 3] }, this.errors, this.nameOf);
            }
        }
    }
}
/** Whether an RRSIG at the node covers the given type. */
function hasSignatureOver(zone, node, type) {
    return findSignatures(zone, node, type) >= 0;
}
//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozLCJmaWxlIjoiY29tcGlsZXIuanMiLCJzb3VyY2VSb290IjoiIiwic291cmNlcyI6WyJjb21waWxlci50cyJdLCJuYW1lcyI6W10sIm1hcHBpbmdzIjoiQUFBQSxvSEFBb0g7QUFFcEgsT0FBTyxFQUFFLGFBQWEsRUFBRSxhQUFhLEVBQUUsY0FBYyxFQUFFLE1BQU0sZUFBZSxDQUFDO0FBRTdFLE9BQU8sRUFFTCxXQUFXLEVBQUUsVUFBVSxFQUFFLFVBQVUsRUFBRSxPQUFPLEVBQUUsYUFBYSxFQUFFLGFBQWEsRUFBRSxLQUFLLEVBQUUsVUFBVSxFQUFFLE1BQU0sRUFDckcsTUFBTSxFQUFFLFlBQVksRUFBRSxPQUFPLEVBQUUsT0FBTyxFQUN0QyxZQUFZLEVBQUUsS0FBSyxFQUFFLFVBQVUsRUFDL0IsUUFBUSxFQUFFLGNBQWMsRUFBRSxNQUFNLEdBQ2pDLE1BQU0sZUFBZSxDQUFDO0FBQ3ZCLE9BQU8sRUFBRSxnQkFBZ0IsRUFBRSxjQUFjLEVBQUUsTUFBTSwyQkFBMkIsQ0FBQztBQUM3RSxPQUFPLEVBQUUsZ0JBQWdCLEVBQUUsTUFBTSwyQkFBMkIsQ0FBQztBQUM3RCxPQUFPLEVBQUUsVUFBVSxFQUFFLE1BQU0sd0JBQXdCLENBQUM7QUFDcEQsT0FBTyxFQUFFLFNBQVMsRUFBRSxTQUFTLEVBQUUsU0FBUyxFQUFpQixNQUFNLHNCQUFzQixDQUFDO0FBQ3RGLE9BQU8sRUFBRSxhQUFhLEVBQUUsZ0JBQWdCLEVBQUUsV0FBVyxFQUFFLFVBQVUsRUFBRSxVQUFVLEVBQUUsWUFBWSxFQUFFLE1BQU0sb0JBQW9CLENBQUM7QUFDeEgsT0FBTyxFQUFFLE9BQU8sRUFBRSxPQUFPLEVBQUUsSUFBSSxFQUFFLElBQUksRUFBRSxPQUFPLEVBQUUsS0FBSyxFQUFFLEtBQUssRUFBRSxNQUFNLHlCQUF5QixDQUFDO0FBRTlGLE1BQU0sWUFBWSxHQUFHLENBQUMsQ0FBQztBQVF2Qiw4RkFBOEY7QUFDOUYsU0FBUyxZQUFZLENBQUMsSUFBWTtJQUNoQyxJQUFJLElBQUksS0FBSyxJQUFJO1FBQUUsT0FBTyxDQUFDLENBQUM7SUFDNUIsSUFBSSxJQUFJLEtBQUssSUFBSTtRQUFFLE9BQU8sQ0FBQyxDQUFDO0lBQzVCLElBQUksSUFBSSxLQUFLLEtBQUs7UUFBRSxPQUFPLENBQUMsQ0FBQztJQUM3QixPQUFPLENBQUMsQ0FBQyxDQUFDO0FBQ1osQ0FBQztBQUVELE1BQU0sT0FBTyxZQUFZO0lBb0IwQjtJQW5CaEMsSUFBSSxDQUFhO0lBQ2pCLEtBQUssR0FBRyxJQUFJLGFBQWEsQ0FBQyxDQUFDLElBQUksRUFBRSxDQUFDLENBQUM7SUFDbkMsV0FBVyxHQUFHLElBQUksYUFBYSxFQUFFLENBQUM7SUFDbEMsV0FBVyxHQUFHLElBQUksYUFBYSxFQUFFLENBQUM7SUFDbEMsUUFBUSxHQUFHLElBQUksYUFBYSxFQUFFLENBQUM7SUFDL0IsVUFBVSxHQUFHLElBQUksYUFBYSxFQUFFLENBQUM7SUFDMUMsU0FBUyxHQUFlLElBQUksVUFBVSxDQUFDLElBQUksQ0FBQyxDQUFDO0lBQ3BDLE9BQU8sR0FBRyxJQUFJLGFBQWEsRUFBRSxDQUFDO0lBQzlCLE9BQU8sR0FBRyxJQUFJLGFBQWEsRUFBRSxDQUFDO0lBQzlCLE1BQU0sR0FBRyxJQUFJLGFBQWEsRUFBRSxDQUFDO0lBQzdCLE9BQU8sR0FBRyxJQUFJLGFBQWEsRUFBRSxDQUFDO0lBQzlCLE1BQU0sR0FBRyxJQUFJLGFBQWEsRUFBRSxDQUFDO0lBQzdCLE9BQU8sR0FBRyxJQUFJLGFBQWEsQ0FBQyxDQUFDLElBQUksRUFBRSxDQUFDLENBQUM7SUFDckMsT0FBTyxHQUFHLElBQUksVUFBVSxDQUFDLEdBQUcsQ0FBQyxDQUFDO0lBQzlCLE1BQU0sR0FBa0IsRUFBRSxDQUFDO0lBQzNCLFFBQVEsR0FBa0IsRUFBRSxDQUFDO0lBQzdCLEtBQUssR0FBYSxFQUFFLENBQUM7SUFDckIsT0FBTyxHQUFHLElBQUksYUFBYSxFQUFFLENBQUM7SUFFL0MsWUFBWSxNQUFrQixFQUFtQixJQUFZO1FBQVosU0FBSSxHQUFKLElBQUksQ0FBUTtRQUMzRCxJQUFJLENBQUMsSUFBSSxHQUFHLElBQUksVUFBVSxDQUFDLFVBQVUsQ0FBQyxNQUFNLEVBQUUsQ0FBQyxDQUFDLENBQUMsQ0FBQztRQUNsRCxhQUFhLENBQUMsTUFBTSxFQUFFLENBQUMsRUFBRSxJQUFJLENBQUMsSUFBSSxFQUFFLENBQUMsQ0FBQyxDQUFDO1FBQ3ZDLElBQUksQ0FBQyxVQUFVLENBQUMsSUFBSSxDQUFDLElBQUksRUFBRSxDQUFDLEVBQUUsSUFBSSxDQUFDLElBQUksQ0FBQyxNQUFNLENBQUMsQ0FBQztJQUNsRCxDQUFDO0lBRUQsR0FBRyxDQUFDLEdBQWU7UUFDakIsTUFBTSxHQUFHLEdBQUcsYUFBYSxDQUFDLEdBQUcsQ0FBQyxLQUFLLEVBQUUsQ0FBQyxFQUFFLElBQUksQ0FBQyxPQUFPLEVBQUUsQ0FBQyxDQUFDLENBQUM7UUFDekQsSUFBSSxDQUFDLFdBQVcsQ0FBQyxJQUFJLENBQUMsT0FBTyxFQUFFLENBQUMsRUFBRSxHQUFHLEVBQUUsSUFBSSxDQUFDLElBQUksRUFBRSxDQUFDLEVBQUUsSUFBSSxDQUFDLElBQUksQ0FBQyxNQUFNLENBQUMsRUFBRSxDQUFDO1lBQ3ZFLElBQUksQ0FBQyxNQUFNLENBQUMsSUFBSSxDQUFDLEVBQUUsSUFBSSxFQUFFLEdBQUcsQ0FBQyxJQUFJLEVBQUUsSUFBSSxFQUFFLEdBQUcsQ0FBQyxJQUFJLEVBQUUsT0FBTyxFQUFFLEdBQUcsWUFBWSxDQUFDLEdBQUcsQ0FBQyxLQUFLLENBQUMsd0JBQXdCLFlBQVksQ0FBQyxJQUFJLENBQUMsSUFBSSxDQUFDLEVBQUUsRUFBRSxDQUFDLENBQUM7WUFDM0ksT0FBTztRQUNULENBQUM7UUFDRCxJQUFJLFNBQVMsR0FBRyxJQUFJLENBQUMsS0FBSyxDQUFDLE1BQU0sR0FBRyxDQUFDLENBQUM7UUFDdEMsSUFBSSxTQUFTLEdBQUcsQ0FBQyxJQUFJLElBQUksQ0FBQyxLQUFLLENBQUMsU0FBUyxDQUFDLEtBQUssR0FBRyxDQUFDLElBQUksRUFBRSxDQUFDO1lBQ3hELFNBQVMsR0FBRyxJQUFJLENBQUMsS0FBSyxDQUFDLE9BQU8sQ0FBQyxHQUFHLENBQUMsSUFBSSxDQUFDLENBQUM7WUFDekMsSUFBSSxTQUFTLEdBQUcsQ0FBQztnQkFBRSxTQUFTLEdBQUcsSUFBSSxDQUFDLEtBQUssQ0FBQyxJQUFJLENBQUMsR0FBRyxDQUFDLElBQUksQ0FBQyxHQUFHLENBQUMsQ0FBQztRQUMvRCxDQUFDO1FBQ0QsSUFBSSxDQUFDLE9BQU8sQ0FBQyxJQUFJLENBQUMsSUFBSSxDQUFDLFVBQVUsQ0FBQyxJQUFJLENBQUMsT0FBTyxFQUFFLENBQUMsRUFBRSxHQUFHLENBQUMsQ0FBQyxDQUFDO1FBQ3pELElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLEdBQUcsQ0FBQyxJQUFJLENBQUMsQ0FBQztRQUM1QixJQUFJLENBQUMsTUFBTSxDQUFDLElBQUksQ0FBQyxHQUFHLENBQUMsR0FBRyxDQUFDLENBQUM7UUFDMUIsSUFBSSxDQUFDLE9BQU8sQ0FBQyxJQUFJLENBQUMsR0FBRyxDQUFDLElBQUksQ0FBQyxDQUFDO1FBQzVCLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLFNBQVMsQ0FBQyxDQUFDO1FBQzdCLElBQUksQ0FBQyxNQUFNLENBQUMsSUFBSSxDQUFDLElBQUksQ0FBQyxPQUFPLENBQUMsTUFBTSxDQUFDLENBQUM7UUFDdEMsSUFBSSxDQUFDLE9BQU8sQ0FBQyxPQUFPLENBQUMsR0FBRyxDQUFDLEtBQUssQ0FBQyxNQUFNLENBQUMsQ0FBQztRQUN2QyxJQUFJLENBQUMsT0FBTyxDQUFDLE1BQU0sQ0FBQyxHQUFHLENBQUMsS0FBSyxDQUFDLENBQUM7SUFDakMsQ0FBQztJQUVELG9HQUFvRztJQUNwRyxRQUFRLENBQUMsQ0FBYztRQUNyQixJQUFJLENBQUMsTUFBTSxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsQ0FBQztJQUN0QixDQUFDO0lBRUQsSUFBSSxXQUFXO1FBQ2IsT0FBTyxJQUFJLENBQUMsT0FBTyxDQUFDLE1BQU0sQ0FBQztJQUM3QixDQUFDO0lBRUQsb0dBQW9HO0lBQzVGLFVBQVUsQ0FBQyxHQUFlLEVBQUUsR0FBVyxFQUFFLEdBQVc7UUFDMUQsTUFBTSxJQUFJLEdBQUcsZ0JBQWdCLENBQUMsR0FBRyxFQUFFLEdBQUcsRUFBRSxHQUFHLEdBQUcsR0FBRyxDQUFDLENBQUM7UUFDbkQsTUFBTSxJQUFJLEdBQUcsSUFBSSxDQUFDLFNBQVMsQ0FBQyxNQUFNLEdBQUcsQ0FBQyxDQUFDO1FBQ3ZDLElBQUksSUFBSSxHQUFHLElBQUksR0FBRyxJQUFJLENBQUM7UUFDdkIsU0FBUyxDQUFDO1lBQ1IsTUFBTSxLQUFLLEdBQUcsSUFBSSxDQUFDLFNBQVMsQ0FBQyxJQUFJLENBQUMsQ0FBQztZQUNuQyxJQUFJLEtBQUssS0FBSyxDQUFDO2dCQUFFLE1BQU07WUFDdkIsTUFBTSxDQUFDLEdBQUcsS0FBSyxHQUFHLENBQUMsQ0FBQztZQUNwQixJQUFJLElBQUksQ0FBQyxRQUFRLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxLQUFLLENBQUMsSUFBSSxHQUFHLENBQUMsQ0FBQyxJQUFJLElBQUksQ0FBQyxXQUFXLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxLQUFLLEdBQUcsSUFBSSxJQUFJLENBQUMsUUFBUSxDQUFDLENBQUMsRUFBRSxHQUFHLEVBQUUsR0FBRyxFQUFFLEdBQUcsQ0FBQztnQkFBRSxPQUFPLENBQUMsQ0FBQztZQUMxSCxJQUFJLEdBQUcsQ0FBQyxJQUFJLEdBQUcsQ0FBQyxDQUFDLEdBQUcsSUFBSSxDQUFDO1FBQzNCLENBQUM7UUFDRCxNQUFNLElBQUksR0FBRyxJQUFJLENBQUMsV0FBVyxDQUFDLE1BQU0sQ0FBQztRQUNyQyxJQUFJLENBQUMsV0FBVyxDQUFDLElBQUksQ0FBQyxJQUFJLENBQUMsS0FBSyxDQUFDLE1BQU0sQ0FBQyxHQUFHLEVBQUUsR0FBRyxFQUFFLEdBQUcsQ0FBQyxDQUFDLENBQUM7UUFDeEQsSUFBSSxDQUFDLFdBQVcsQ0FBQyxJQUFJLENBQUMsR0FBRyxDQUFDLENBQUM7UUFDM0IsSUFBSSxDQUFDLFFBQVEsQ0FBQyxJQUFJLENBQUMsSUFBSSxHQUFHLENBQUMsQ0FBQyxDQUFDO1FBQzdCLElBQUksQ0FBQyxVQUFVLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUM7UUFDekIsSUFBSSxDQUFDLFNBQVMsQ0FBQyxJQUFJLENBQUMsR0FBRyxJQUFJLEdBQUcsQ0FBQyxDQUFDO1FBQ2hDLElBQUksQ0FBQyxJQUFJLEdBQUcsQ0FBQyxDQUFDLEdBQUcsQ0FBQyxHQUFHLElBQUksQ0FBQyxTQUFTLENBQUMsTUFBTTtZQUFFLElBQUksQ0FBQyxNQUFNLENBQUMsSUFBSSxDQUFDLFNBQVMsQ0FBQyxNQUFNLEdBQUcsQ0FBQyxDQUFDLENBQUM7UUFDbkYsSUFBSSxHQUFHLEdBQUcsSUFBSSxDQUFDLElBQUksQ0FBQyxNQUFNO1lBQUUsSUFBSSxDQUFDLFVBQVUsQ0FBQyxJQUFJLENBQUMsSUFBSSxDQUFDLEdBQUcsSUFBSSxDQUFDLFVBQVUsQ0FBQyxHQUFHLEVBQUUsR0FBRyxHQUFHLEdBQUcsQ0FBQyxHQUFHLENBQUMsR0FBRyxDQUFDLEVBQUUsR0FBRyxHQUFHLEdBQUcsQ0FBQyxHQUFHLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQztRQUN0SCxPQUFPLElBQUksQ0FBQztJQUNkLENBQUM7SUFFTyxRQUFRLENBQUMsSUFBWSxFQUFFLEdBQWUsRUFBRSxHQUFXLEVBQUUsR0FBVztRQUN0RSxNQUFNLEtBQUssR0FBRyxJQUFJLENBQUMsS0FBSyxDQUFDLElBQUksQ0FBQztRQUM5QixNQUFNLEVBQUUsR0FBRyxJQUFJLENBQUMsV0FBVyxDQUFDLElBQUksQ0FBQyxJQUFJLENBQUMsQ0FBQztRQUN2QyxLQUFLLElBQUksQ0FBQyxHQUFHLENBQUMsRUFBRSxDQUFDLEdBQUcsR0FBRyxFQUFFLENBQUMsRUFBRTtZQUFFLElBQUksS0FBSyxDQUFDLEVBQUUsR0FBRyxDQUFDLENBQUMsS0FBSyxHQUFHLENBQUMsR0FBRyxHQUFHLENBQUMsQ0FBQztnQkFBRSxPQUFPLEtBQUssQ0FBQztRQUMvRSxPQUFPLElBQUksQ0FBQztJQUNkLENBQUM7SUFFTyxNQUFNLENBQUMsSUFBWTtRQUN6QixNQUFNLEtBQUssR0FBRyxjQUFjLENBQUMsSUFBSSxDQUFDLENBQUM7UUFDbkMsTUFBTSxJQUFJLEdBQUcsSUFBSSxHQUFHLENBQUMsQ0FBQztRQUN0QixLQUFLLElBQUksQ0FBQyxHQUFHLENBQUMsRUFBRSxDQUFDLEdBQUcsSUFBSSxDQUFDLFdBQVcsQ0FBQyxNQUFNLEVBQUUsQ0FBQyxFQUFFLEVBQUUsQ0FBQztZQUNqRCxJQUFJLElBQUksR0FBRyxJQUFJLENBQUMsUUFBUSxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsR0FBRyxJQUFJLENBQUM7WUFDeEMsT0FBTyxLQUFLLENBQUMsSUFBSSxDQUFDLEtBQUssQ0FBQztnQkFBRSxJQUFJLEdBQUcsQ0FBQyxJQUFJLEdBQUcsQ0FBQyxDQUFDLEdBQUcsSUFBSSxDQUFDO1lBQ25ELEtBQUssQ0FBQyxJQUFJLENBQUMsR0FBRyxDQUFDLEdBQUcsQ0FBQyxDQUFDO1FBQ3RCLENBQUM7UUFDRCxJQUFJLENBQUMsU0FBUyxHQUFHLEtBQUssQ0FBQztJQUN6QixDQUFDO0lBRUQsTUFBTTtRQUNKLE1BQU0sU0FBUyxHQUFHLElBQUksQ0FBQyxXQUFXLENBQUMsTUFBTSxDQUFDO1FBQzFDLE1BQU0sUUFBUSxHQUFHLElBQUksQ0FBQyxPQUFPLENBQUMsTUFBTSxDQUFDO1FBQ3JDLHNGQUFzRjtRQUN0RixNQUFNLEtBQUssR0FBRyxJQUFJLFVBQVUsQ0FBQyxTQUFTLEdBQUcsQ0FBQyxDQUFDLENBQUM7UUFDNUMsS0FBSyxJQUFJLENBQUMsR0FBRyxDQUFDLEVBQUUsQ0FBQyxHQUFHLFFBQVEsRUFBRSxDQUFDLEVBQUU7WUFBRSxLQUFLLENBQUMsSUFBSSxDQUFDLE9BQU8sQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDLEdBQUcsQ0FBQyxDQUFDLEVBQUUsQ0FBQztRQUNyRSxLQUFLLElBQUksQ0FBQyxHQUFHLENBQUMsRUFBRSxDQUFDLEdBQUcsU0FBUyxFQUFFLENBQUMsRUFBRTtZQUFFLEtBQUssQ0FBQyxDQUFDLEdBQUcsQ0FBQyxDQUFDLElBQUksS0FBSyxDQUFDLENBQUMsQ0FBQyxDQUFDO1FBQzdELE1BQU0sS0FBSyxHQUFHLElBQUksVUFBVSxDQUFDLFFBQVEsQ0FBQyxDQUFDO1FBQ3ZDLE1BQU0sSUFBSSxHQUFHLEtBQUssQ0FBQyxLQUFLLENBQUMsQ0FBQyxFQUFFLFNBQVMsQ0FBQyxDQUFDO1FBQ3ZDLEtBQUssSUFBSSxDQUFDLEdBQUcsQ0FBQyxFQUFFLENBQUMsR0FBRyxRQUFRLEVBQUUsQ0FBQyxFQUFFO1lBQUUsS0FBSyxDQUFDLElBQUksQ0FBQyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsR0FBRyxDQUFDLENBQUM7UUFFM0UsTUFBTSxLQUFLLEdBQUcsY0FBYyxDQUFDLFNBQVMsR0FBRyxXQUFXLENBQUMsQ0FBQztRQUN0RCxNQUFNLE1BQU0sR0FBRyxJQUFJLGFBQWEsQ0FBQyxJQUFJLENBQUMsR0FBRyxDQUFDLElBQUksRUFBRSxTQUFTLEdBQUcsWUFBWSxDQUFDLENBQUMsQ0FBQztRQUMzRSxNQUFNLEtBQUssR0FBRyxJQUFJLGFBQWEsQ0FBQyxJQUFJLENBQUMsR0FBRyxDQUFDLENBQUMsSUFBSSxFQUFFLEVBQUUsSUFBSSxDQUFDLE9BQU8sQ0FBQyxNQUFNLENBQUMsQ0FBQyxDQUFDO1FBQ3hFLE1BQU0sV0FBVyxHQUFhLEVBQUUsQ0FBQyxDQUFDLDBGQUEwRjtRQUM1SCxJQUFJLElBQUksR0FBRyxDQUFDLENBQUM7UUFDYixJQUFJLFFBQVEsR0FBRyxDQUFDLENBQUMsQ0FBQztRQUNsQiwrRUFBK0U7UUFDL0UsTUFBTSxRQUFRLEdBQUcsSUFBSSxVQUFVLENBQUMsU0FBUyxDQUFDLENBQUM7UUFDM0MsTUFBTSxRQUFRLEdBQUcsSUFBSSxVQUFVLENBQUMsU0FBUyxDQUFDLENBQUM7UUFDM0MsTUFBTSxJQUFJLEdBQWEsRUFBRSxJQUFJLEVBQUUsQ0FBQyxFQUFFLEtBQUssRUFBRSxFQUFFLEVBQUUsTUFBTSxFQUFFLEVBQUUsRUFBRSxLQUFLLEVBQUUsRUFBRSxFQUFFLE1BQU0sRUFBRSxLQUFLLEVBQUUsSUFBSSxFQUFFLElBQUksQ0FBQyxJQUFJLEVBQUUsQ0FBQztRQUNyRyxNQUFNLE1BQU0sR0FBYSxFQUFFLENBQUM7UUFFNUIsS0FBSyxJQUFJLENBQUMsR0FBRyxDQUFDLEVBQUUsQ0FBQyxHQUFHLFNBQVMsRUFBRSxDQUFDLEVBQUUsRUFBRSxDQUFDO1lBQ25DLE1BQU0sSUFBSSxHQUFHLENBQUMsR0FBRyxXQUFXLENBQUM7WUFDN0IsS0FBSyxDQUFDLElBQUksR0FBRyxVQUFVLENBQUMsR0FBRyxJQUFJLENBQUMsV0FBVyxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsQ0FBQztZQUNwRCxLQUFLLENBQUMsSUFBSSxHQUFHLFVBQVUsQ0FBQyxHQUFHLElBQUksQ0FBQyxXQUFXLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxDQUFDO1lBQ3BELEtBQUssQ0FBQyxJQUFJLEdBQUcsTUFBTSxDQUFDLEdBQUcsSUFBSSxDQUFDLFFBQVEsQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDLENBQUM7WUFDN0MsS0FBSyxDQUFDLElBQUksR0FBRyxLQUFLLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQztZQUN6QixLQUFLLENBQUMsSUFBSSxHQUFHLFVBQVUsQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDO1lBQzlCLEtBQUssQ0FBQyxJQUFJLEdBQUcsYUFBYSxDQUFDLEdBQUcsTUFBTSxDQUFDLE1BQU0sR0FBRyxZQUFZLENBQUM7WUFDM0QsTUFBTSxNQUFNLEdBQUcsQ0FBQyxLQUFLLENBQUMsQ0FBQztZQUN2QixJQUFJLEtBQUssR0FBRyxNQUFNLENBQUMsQ0FBQyxDQUFDLE1BQU0sQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDO1lBQ2hDLE1BQU0sSUFBSSxHQUFHLEtBQUssQ0FBQyxDQUFDLENBQUMsQ0FBQztZQUN0QixNQUFNLEVBQUUsR0FBRyxLQUFLLENBQUMsQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDO1lBQ3hCLElBQUksSUFBSSxLQUFLLEVBQUUsRUFBRSxDQUFDO2dCQUNoQixLQUFLLENBQUMsSUFBSSxHQUFHLE9BQU8sQ0FBQyxHQUFHLEtBQUssQ0FBQztnQkFDOUIsU0FBUztZQUNYLENBQUM7WUFDRCxNQUFNLENBQUMsTUFBTSxHQUFHLENBQUMsQ0FBQztZQUNsQixLQUFLLElBQUksQ0FBQyxHQUFHLElBQUksRUFBRSxDQUFDLEdBQUcsRUFBRSxFQUFFLENBQUMsRUFBRTtnQkFBRSxNQUFNLENBQUMsSUFBSSxDQUFDLEtBQUssQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDO1lBQ3RELE1BQU0sT0FBTyxHQUFHLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDO1lBQ2xDLHlGQUF5RjtZQUN6RixJQUFJLE1BQU0sQ0FBQyxNQUFNLEdBQUcsQ0FBQztnQkFBRSxNQUFNLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsRUFBRSxFQUFFLENBQUMsT0FBTyxDQUFDLENBQUMsQ0FBQyxHQUFHLE9BQU8sQ0FBQyxDQUFDLENBQUMsSUFBSSxJQUFJLENBQUMsT0FBTyxDQUFDLENBQUMsQ0FBQyxHQUFHLElBQUksQ0FBQyxPQUFPLENBQUMsQ0FBQyxDQUFDLElBQUksQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDO1lBQ3BILElBQUksQ0FBQyxLQUFLLENBQUMsTUFBTSxHQUFHLENBQUMsQ0FBQztZQUN0QixJQUFJLENBQUMsTUFBTSxDQUFDLE1BQU0sR0FBRyxDQUFDLENBQUM7WUFDdkIsSUFBSSxDQUFDLEtBQUssQ0FBQyxNQUFNLEdBQUcsQ0FBQyxDQUFDO1lBQ3RCLElBQUksQ0FBQyxNQUFNLEdBQUcsTUFBTSxDQUFDO1lBQ3JCLElBQUksVUFBVSxHQUFHLENBQUMsQ0FBQztZQUNuQixLQUFLLElBQUksQ0FBQyxHQUFHLENBQUMsRUFBRSxDQUFDLEdBQUcsTUFBTSxDQUFDLE1BQU0sR0FBSSxDQUFDO2dCQUNwQyxNQUFNLElBQUksR0FBRyxPQUFPLENBQUMsTUFBTSxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUM7Z0JBQ2hDLElBQUksQ0FBQyxHQUFHLENBQUMsQ0FBQztnQkFDVixNQUFNLE1BQU0sR0FBRyxJQUFJLENBQUMsT0FBTyxDQUFDLE1BQU0sQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDO2dCQUN2QyxPQUFPLENBQUMsR0FBRyxNQUFNLENBQUMsTUFBTSxJQUFJLE9BQU8sQ0FBQyxNQUFNLENBQUMsQ0FBQyxDQUFDLENBQUMsS0FBSyxJQUFJLElBQUksSUFBSSxDQUFDLE9BQU8sQ0FBQyxNQUFNLENBQUMsQ0FBQyxDQUFDLENBQUMsS0FBSyxNQUFNO29CQUFFLENBQUMsRUFBRSxDQUFDO2dCQUNuRyxNQUFNLEdBQUcsR0FBRyxNQUFNLENBQUMsTUFBTSxDQUFDO2dCQUMxQixNQUFNLEtBQUssR0FBRyxNQUFNLENBQUMsQ0FBQyxDQUFDLENBQUM7Z0JBQ3hCLE1BQU0sR0FBRyxHQUFHLElBQUksQ0FBQyxNQUFNLENBQUMsSUFBSSxDQUFDLEtBQUssQ0FBQyxDQUFDO2dCQUNwQyxNQUFNLE9BQU8sR0FBRyxLQUFLLENBQUMsTUFBTSxDQUFDO2dCQUM3QixNQUFNLElBQUksR0FBRyxZQUFZLENBQUMsSUFBSSxDQUFDLENBQUM7Z0JBQ2hDLE1BQU0sV0FBVyxHQUFHLFdBQVcsQ0FBQyxNQUFNLEdBQUcsWUFBWSxDQUFDO2dCQUN0RCxJQUFJLEtBQUssR0FBRyxDQUFDLENBQUM7Z0JBQ2QsS0FBSyxJQUFJLENBQUMsR0FBRyxDQUFDLEVBQUUsQ0FBQyxHQUFHLENBQUMsRUFBRSxDQUFDLEVBQUUsRUFBRSxDQUFDO29CQUMzQixNQUFNLENBQUMsR0FBRyxNQUFNLENBQUMsQ0FBQyxDQUFDLENBQUM7b0JBQ3BCLElBQUksSUFBSSxDQUFDLE1BQU0sQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDLEtBQUssR0FBRyxFQUFFLENBQUM7d0JBQ2hDLElBQUksQ0FBQyxRQUFRLENBQUMsSUFBSSxDQUFDOzRCQUNqQixJQUFJLEVBQUUsSUFBSSxDQUFDLEtBQUssQ0FBQyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsQ0FBQyxFQUFFLElBQUksRUFBRSxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUM7NEJBQ2xFLE9BQU8sRUFBRSxPQUFPLElBQUksQ0FBQyxNQUFNLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxpQkFBaUIsR0FBRyw0QkFBNEIsR0FBRyx5QkFBeUI7eUJBQ2hILENBQUMsQ0FBQztvQkFDTCxDQUFDO29CQUNELElBQUksSUFBSSxDQUFDLFdBQVcsQ0FBQyxDQUFDLEVBQUUsS0FBSyxDQUFDLElBQUksRUFBRSxPQUFPLEVBQUUsS0FBSyxDQUFDLE1BQU0sQ0FBQzt3QkFBRSxTQUFTO29CQUNyRSxJQUFJLElBQUksS0FBSyxPQUFPO3dCQUFFLElBQUksQ0FBQyxVQUFVLENBQUMsQ0FBQyxFQUFFLENBQUMsQ0FBQyxDQUFDO29CQUM1QyxNQUFNLEdBQUcsR0FBRyxJQUFJLENBQUMsTUFBTSxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsQ0FBQztvQkFDaEMsTUFBTSxHQUFHLEdBQUcsQ0FBQyxHQUFHLENBQUMsQ0FBQyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQyxHQUFHLENBQUMsSUFBSSxDQUFDLENBQUMsR0FBRyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQyxHQUFHLEdBQUcsQ0FBQyxDQUFDLENBQUMsQ0FBQztvQkFDN0UsTUFBTSxFQUFFLEdBQUcsS0FBSyxDQUFDLE1BQU0sQ0FBQyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksRUFBRSxHQUFHLEVBQUUsR0FBRyxDQUFDLENBQUM7b0JBQ3JELElBQUksSUFBSSxJQUFJLENBQUM7d0JBQUUsV0FBVyxDQUFDLElBQUksQ0FBQyxXQUFXLENBQUMsTUFBTSxHQUFHLFlBQVksRUFBRSxFQUFFLEdBQUcsQ0FBQyxHQUFHLElBQUksRUFBRSxDQUFDLEVBQUUsSUFBSSxDQUFDLE9BQU8sQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDLEVBQUUsSUFBSSxFQUFFLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUM7b0JBQ3ZJLEtBQUssRUFBRSxDQUFDO2dCQUNWLENBQUM7Z0JBQ0QsSUFBSSxJQUFJLEtBQUssQ0FBQztnQkFDZCxNQUFNLENBQUMsSUFBSSxDQUFDLElBQUksQ0FBQyxDQUFDO2dCQUNsQixNQUFNLENBQUMsSUFBSSxDQUFDLEdBQUcsQ0FBQyxDQUFDO2dCQUNqQixNQUFNLENBQUMsSUFBSSxDQUFDLEtBQUssQ0FBQyxDQUFDO2dCQUNuQixNQUFNLENBQUMsSUFBSSxDQUFDLE9BQU8sQ0FBQyxDQUFDO2dCQUNyQixNQUFNLENBQUMsSUFBSSxDQUFDLEtBQUssQ0FBQyxNQUFNLENBQUMsQ0FBQztnQkFDMUIsTUFBTSxDQUFDLElBQUksQ0FBQyxJQUFJLEdBQUcsQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUMsV0FBVyxDQUFDLENBQUM7Z0JBQ3pDLElBQUksSUFBSSxLQUFLLEtBQUssSUFBSSxNQUFNO29CQUFFLFFBQVEsR0FBRyxHQUFHLEdBQUcsWUFBWSxDQUFDO2dCQUM1RCxJQUFJLElBQUksS0FBSyxJQUFJLElBQUksQ0FBQyxNQUFNO29CQUFFLEtBQUssSUFBSSxZQUFZLENBQUM7Z0JBQ3BELElBQUksSUFBSSxLQUFLLE9BQU87b0JBQUUsS0FBSyxJQUFJLE9BQU8sQ0FBQztnQkFDdkMsSUFBSSxJQUFJLEtBQUssT0FBTztvQkFBRSxLQUFLLElBQUksT0FBTyxDQUFDO2dCQUN2QyxJQUFJLENBQUMsS0FBSyxDQUFDLElBQUksQ0FBQyxJQUFJLENBQUMsQ0FBQztnQkFDdEIsSUFBSSxDQUFDLE1BQU0sQ0FBQyxJQUFJLENBQUMsS0FBSyxDQUFDLENBQUM7Z0JBQ3hCLElBQUksQ0FBQyxLQUFLLENBQUMsSUFBSSxDQUFDLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLEtBQUssQ0FBQyxDQUFDLENBQUM7Z0JBQzFDLFVBQVUsRUFBRSxDQUFDO2dCQUNiLENBQUMsR0FBRyxDQUFDLENBQUM7WUFDUixDQUFDO1lBQ0QsSUFBSSxDQUFDLElBQUksR0FBRyxJQUFJLENBQUMsS0FBSyxDQUFDLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLE1BQU0sQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUM7WUFDckQsUUFBUSxDQUFDLENBQUMsQ0FBQyxHQUFHLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLE1BQU0sQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDO1lBQzNDLFFBQVEsQ0FBQyxDQUFDLENBQUMsR0FBRyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQyxNQUFNLENBQUMsQ0FBQyxDQUFDLENBQUMsQ0FBQztZQUMzQyxJQUFJLENBQUMsSUFBSSxHQUFHLENBQUMsQ0FBQztZQUNkLFNBQVMsQ0FBQyxJQUFJLEVBQUUsSUFBSSxDQUFDLE1BQU0sRUFBRSxJQUFJLENBQUMsTUFBTSxDQUFDLENBQUM7WUFDMUMsS0FBSyxDQUFDLElBQUksR0FBRyxPQUFPLENBQUMsR0FBRyxLQUFLLENBQUM7WUFDOUIsS0FBSyxDQUFDLElBQUksR0FBRyxhQUFhLENBQUMsR0FBRyxVQUFVLENBQUM7UUFDM0MsQ0FBQztRQUVELElBQUksQ0FBQyxRQUFRLENBQUMsS0FBSyxFQUFFLFNBQVMsQ0FBQyxDQUFDO1FBQ2hDLE1BQU0sS0FBSyxHQUFHLElBQUksQ0FBQyxTQUFTLEVBQUUsQ0FBQztRQUMvQiw4RkFBOEY7UUFDOUYsS0FBSyxNQUFNLENBQUMsSUFBSSxDQUFDLElBQUksQ0FBQyxPQUFPLEVBQUUsSUFBSSxDQUFDLE9BQU8sRUFBRSxJQUFJLENBQUMsTUFBTSxFQUFFLElBQUksQ0FBQyxPQUFPLEVBQUUsSUFBSSxDQUFDLE1BQU0sRUFBRSxJQUFJLENBQUMsT0FBTyxFQUFFLElBQUksQ0FBQyxPQUFPLENBQUM7WUFBRSxDQUFDLENBQUMsT0FBTyxFQUFFLENBQUM7UUFDOUgsTUFBTSxJQUFJLEdBQWlCO1lBQ3pCLElBQUksRUFBRSxFQUFFLE1BQU0sRUFBRSxZQUFZLENBQUMsSUFBSSxDQUFDLElBQUksQ0FBQyxFQUFFLE1BQU0sRUFBRSxDQUFDLEVBQUUsT0FBTyxFQUFFLElBQUksRUFBRSxJQUFJLEVBQUUsSUFBSSxDQUFDLElBQUksRUFBRSxRQUFRLEVBQUUsSUFBSSxDQUFDLEdBQUcsRUFBRSxFQUFFLGVBQWUsRUFBRSxDQUFDLEVBQUUsb0JBQW9CLEVBQUUsRUFBRSxFQUFFLHFCQUFxQixFQUFFLEVBQUUsRUFBRTtZQUNuTCxJQUFJLEVBQUUsQ0FBQztZQUNQLFFBQVEsRUFBRSxJQUFJLENBQUMsSUFBSTtZQUNuQixVQUFVLEVBQUUsVUFBVSxDQUFDLElBQUksQ0FBQyxJQUFJLEVBQUUsQ0FBQyxDQUFDO1lBQ3BDLEtBQUssRUFBRSxJQUFJLENBQUMsS0FBSyxDQUFDLE9BQU8sRUFBRTtZQUMzQixLQUFLO1lBQ0wsU0FBUyxFQUFFLElBQUksQ0FBQyxTQUFTO1lBQ3pCLE1BQU0sRUFBRSxNQUFNLENBQUMsT0FBTyxFQUFFO1lBQ3hCLEtBQUssRUFBRSxLQUFLLENBQUMsT0FBTyxFQUFFO1lBQ3RCLE9BQU8sRUFBRSxjQUFjLENBQUMsV0FBVyxDQUFDLE1BQU0sR0FBRyxZQUFZLENBQUM7WUFDMUQsV0FBVyxFQUFFLENBQUM7WUFDZCxRQUFRO1lBQ1IsTUFBTSxFQUFFLEtBQUs7WUFDYixNQUFNLEVBQUUsTUFBTSxDQUFDLElBQUk7WUFDbkIsU0FBUyxFQUFFLElBQUksVUFBVSxDQUFDLENBQUMsQ0FBQztZQUM1QixXQUFXLEVBQUUsSUFBSSxVQUFVLENBQUMsQ0FBQyxDQUFDO1lBQzlCLFVBQVUsRUFBRSxJQUFJLFVBQVUsQ0FBQyxDQUFDLENBQUM7WUFDN0IsU0FBUyxFQUFFLElBQUksVUFBVSxDQUFDLENBQUMsQ0FBQztZQUM1QixTQUFTLEVBQUUsSUFBSSxVQUFVLENBQUMsQ0FBQyxDQUFDO1lBQzVCLGVBQWUsRUFBRSxDQUFDO1NBQ25CLENBQUM7UUFDRixJQUFJLENBQUMsSUFBSSxDQUFDLGVBQWUsR0FBRyxJQUFJLENBQUMsY0FBYyxDQUFDO1FBQ2hELElBQUksQ0FBQyxJQUFJLENBQUMsb0JBQW9CLEdBQUcsSUFBSSxDQUFDLG1CQUFtQixDQUFDO1FBQzFELElBQUksQ0FBQyxJQUFJLENBQUMscUJBQXFCLEdBQUcsSUFBSSxDQUFDLG9CQUFvQixDQUFDO1FBQzVELElBQUksQ0FBQyxNQUFNLEdBQUcsZ0JBQWdCLENBQUMsSUFBSSxFQUFFLENBQUMsRUFBRSxLQUFLLENBQUMsQ0FBQztRQUMvQyxJQUFJLENBQUMsY0FBYyxDQUFDLElBQUksRUFBRSxXQUFXLENBQUMsQ0FBQztRQUN2QyxJQUFJLElBQUksQ0FBQyxNQUFNLEVBQUUsQ0FBQztZQUNoQixNQUFNLEtBQUssR0FBRyxjQUFjLENBQUMsSUFBSSxFQUFFLElBQUksQ0FBQyxVQUFVLENBQUMsSUFBSSxFQUFFLFNBQVMsQ0FBQyxDQUFDO1lBQ3BFLGdCQUFnQixDQUFDLElBQUksRUFBRSxLQUFLLENBQUMsQ0FBQztZQUM5QixNQUFNLEtBQUssR0FBRyxJQUFJLENBQUMsS0FBSyxDQUFDLE1BQU0sQ0FBQyxDQUFDLENBQUMsSUFBSSxDQUFDLEtBQUssQ0FBQyxDQUFDLENBQUMsQ0FBQyxJQUFJLENBQUMsSUFBSSxDQUFDLENBQUM7WUFDM0QsZ0JBQWdCLENBQUMsSUFBSSxFQUFFLEtBQUssRUFBRSxFQUFFLElBQUksRUFBRSxDQUFDLENBQUMsRUFBRSxFQUFFLENBQUMsS0FBSyxDQUFDLFFBQVEsQ0FBQyxDQUFDLENBQUMsQ0FBQyxFQUFFLElBQUksRUFBRSxDQUFDLENBQUMsRUFBRSxFQUFFLENBQUMsUUFBUSxDQUFDLENBQUMsQ0FBQyxFQUFFLEVBQUUsSUFBSSxDQUFDLFFBQVEsQ0FBQyxDQUFDO1FBQzlHLENBQUM7UUFDRCxTQUFTLENBQUMsSUFBSSxFQUFFLEtBQUssRUFBRSxJQUFJLENBQUMsTUFBTSxDQUFDLENBQUM7UUFDcEMsSUFBSSxRQUFRLElBQUksQ0FBQyxFQUFFLENBQUM7WUFDbEIsTUFBTSxJQUFJLEdBQUcsUUFBUSxHQUFHLFlBQVksQ0FBQztZQUNyQyxNQUFNLENBQUMsR0FBRyxJQUFJLENBQUMsTUFBTSxDQUFDLElBQUksR0FBRyxVQUFVLENBQUMsR0FBRyxDQUFDLENBQUM7WUFDN0MsTUFBTSxVQUFVLEdBQUcsQ0FBQyxHQUFHLFVBQVUsQ0FBQyxJQUFJLENBQUMsS0FBSyxFQUFFLENBQUMsQ0FBQyxDQUFDO1lBQ2pELE1BQU0sTUFBTSxHQUFHLFVBQVUsR0FBRyxVQUFVLENBQUMsSUFBSSxDQUFDLEtBQUssRUFBRSxVQUFVLENBQUMsQ0FBQztZQUMvRCxNQUFNLEVBQUUsR0FBRyxJQUFJLFFBQVEsQ0FBQyxJQUFJLENBQUMsS0FBSyxDQUFDLE1BQU0sRUFBRSxJQUFJLENBQUMsS0FBSyxDQUFDLFVBQVUsQ0FBQyxDQUFDO1lBQ2xFLElBQUksQ0FBQyxJQUFJLENBQUMsTUFBTSxHQUFHLEVBQUUsQ0FBQyxTQUFTLENBQUMsTUFBTSxDQUFDLENBQUM7WUFDeEMsSUFBSSxDQUFDLFdBQVcsR0FBRyxJQUFJLENBQUMsR0FBRyxDQUFDLElBQUksQ0FBQyxNQUFNLENBQUMsSUFBSSxHQUFHLEtBQUssQ0FBQyxFQUFFLEVBQUUsQ0FBQyxTQUFTLENBQUMsTUFBTSxHQUFHLEVBQUUsQ0FBQyxDQUFDLENBQUM7UUFDcEYsQ0FBQztRQUNELE9BQU8sRUFBRSxJQUFJLEVBQUUsSUFBSSxDQUFDLE1BQU0sQ0FBQyxNQUFNLENBQUMsQ0FBQyxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsSUFBSSxFQUFFLE1BQU0sRUFBRSxJQUFJLENBQUMsTUFBTSxFQUFFLFFBQVEsRUFBRSxJQUFJLENBQUMsUUFBUSxFQUFFLENBQUM7SUFDbEcsQ0FBQztJQUVELHdGQUF3RjtJQUNoRixPQUFPLENBQUMsQ0FBUztRQUN2QixJQUFJLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxLQUFLLE9BQU87WUFBRSxPQUFPLENBQUMsQ0FBQztRQUMvQyxNQUFNLEdBQUcsR0FBRyxJQUFJLENBQUMsTUFBTSxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsR0FBRyxDQUFDLENBQUM7UUFDcEMsT0FBTyxDQUFDLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLEdBQUcsQ0FBQyxJQUFJLENBQUMsQ0FBQyxHQUFHLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLEdBQUcsR0FBRyxDQUFDLENBQUMsQ0FBQztJQUNwRSxDQUFDO0lBRU8sY0FBYyxHQUFHLENBQUMsQ0FBQztJQUNuQixtQkFBbUIsR0FBRyxFQUFFLENBQUM7SUFDekIsb0JBQW9CLEdBQUcsRUFBRSxDQUFDO0lBRWxDLHdGQUF3RjtJQUNoRixVQUFVLENBQUMsQ0FBUyxFQUFFLElBQVk7UUFDeEMsTUFBTSxHQUFHLEdBQUcsSUFBSSxDQUFDLE1BQU0sQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDLEdBQUcsQ0FBQyxHQUFHLENBQUMsQ0FBQztRQUN4QyxNQUFNLENBQUMsR0FBRyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQztRQUM1QixNQUFNLE1BQU0sR0FBRyxDQUFDLENBQUMsQ0FBQyxDQUFDLEdBQUcsQ0FBQyxJQUFJLEVBQUUsQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDLEdBQUcsR0FBRyxDQUFDLENBQUMsSUFBSSxFQUFFLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQyxHQUFHLEdBQUcsQ0FBQyxDQUFDLElBQUksQ0FBQyxDQUFDLEdBQUcsQ0FBQyxDQUFDLEdBQUcsR0FBRyxDQUFDLENBQUMsQ0FBQyxLQUFLLENBQUMsQ0FBQztRQUM1RixJQUFJLElBQUksQ0FBQyxjQUFjLEtBQUssQ0FBQyxJQUFJLE1BQU0sSUFBSSxJQUFJLENBQUMsY0FBYztZQUFFLE9BQU87UUFDdkUsSUFBSSxDQUFDLGNBQWMsR0FBRyxNQUFNLENBQUM7UUFDN0IsSUFBSSxDQUFDLG1CQUFtQixHQUFHLEdBQUcsSUFBSSxDQUFDLEtBQUssQ0FBQyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsQ0FBQyxJQUFJLElBQUksQ0FBQyxPQUFPLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUM7UUFDekYsSUFBSSxDQUFDLG9CQUFvQixHQUFHLEdBQUcsSUFBSSxDQUFDLE1BQU0sQ0FBQyxJQUFJLENBQUMsVUFBVSxVQUFVLENBQUMsSUFBSSxDQUFDLE9BQU8sQ0FBQyxDQUFDLENBQUMsQ0FBQyxHQUFHLENBQUM7SUFDM0YsQ0FBQztJQUVnQixNQUFNLEdBQUcsQ0FBQyxJQUFZLEVBQVUsRUFBRSxDQUFDLFlBQVksQ0FBQyxJQUFJLENBQUMsS0FBSyxDQUFDLElBQUksRUFBRSxJQUFJLENBQUMsV0FBVyxDQUFDLElBQUksQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDO0lBRXZHLFNBQVM7UUFDZixPQUFPLEVBQUUsSUFBSSxFQUFFLElBQUksQ0FBQyxJQUFJLEVBQUUsSUFBSSxFQUFFLElBQUksQ0FBQyxPQUFPLENBQUMsTUFBTSxDQUFDLENBQUMsQ0FBQyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUM7SUFDbkYsQ0FBQztJQUVELDJFQUEyRTtJQUNuRSxXQUFXLENBQUMsQ0FBUyxFQUFFLEdBQWUsRUFBRSxJQUFZLEVBQUUsRUFBVTtRQUN0RSxNQUFNLEdBQUcsR0FBRyxJQUFJLENBQUMsT0FBTyxDQUFDLElBQUksQ0FBQztRQUM5QixNQUFNLEdBQUcsR0FBRyxJQUFJLENBQUMsTUFBTSxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsQ0FBQztRQUNoQyxNQUFNLEdBQUcsR0FBRyxDQUFDLEdBQUcsQ0FBQyxDQUFDLEdBQUcsQ0FBQyxHQUFHLENBQUMsSUFBSSxDQUFDLENBQUMsR0FBRyxHQUFHLENBQUMsR0FBRyxHQUFHLENBQUMsQ0FBQyxDQUFDLENBQUM7UUFDakQsS0FBSyxJQUFJLENBQUMsR0FBRyxJQUFJLEVBQUUsQ0FBQyxHQUFHLEVBQUUsR0FBSSxDQUFDO1lBQzVCLE1BQU0sQ0FBQyxHQUFHLENBQUMsR0FBRyxDQUFDLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQyxJQUFJLENBQUMsQ0FBQyxHQUFHLEdBQUcsQ0FBQyxDQUFDLEdBQUcsQ0FBQyxDQUFDLENBQUMsQ0FBQztZQUMzQyxJQUFJLENBQUMsS0FBSyxHQUFHLEVBQUUsQ0FBQztnQkFDZCxJQUFJLElBQUksR0FBRyxJQUFJLENBQUM7Z0JBQ2hCLEtBQUssSUFBSSxDQUFDLEdBQUcsQ0FBQyxFQUFFLENBQUMsR0FBRyxHQUFHLEVBQUUsQ0FBQyxFQUFFO29CQUFFLElBQUksR0FBRyxDQUFDLENBQUMsR0FBRyxDQUFDLENBQUMsS0FBSyxHQUFHLENBQUMsR0FBRyxHQUFHLENBQUMsQ0FBQyxFQUFFLENBQUM7d0JBQUMsSUFBSSxHQUFHLEtBQUssQ0FBQzt3QkFBQyxNQUFNO29CQUFDLENBQUM7Z0JBQ3ZGLElBQUksSUFBSTtvQkFBRSxPQUFPLElBQUksQ0FBQztZQUN4QixDQUFDO1lBQ0QsQ0FBQyxJQUFJLENBQUMsQ0FBQztRQUNULENBQUM7UUFDRCxPQUFPLEtBQUssQ0FBQztJQUNmLENBQUM7SUFFRCxxRkFBcUY7SUFDN0UsUUFBUSxDQUFDLEtBQWlCLEVBQUUsU0FBaUI7UUFDbkQsTUFBTSxNQUFNLEdBQUcsSUFBSSxDQUFDLFVBQVUsQ0FBQyxJQUFJLENBQUM7UUFDcEMsTUFBTSxLQUFLLEdBQUcsSUFBSSxDQUFDLEtBQUssQ0FBQyxJQUFJLENBQUM7UUFDOUIsTUFBTSxJQUFJLEdBQUcsSUFBSSxVQUFVLENBQUMsU0FBUyxDQUFDLENBQUM7UUFDdkMsSUFBSSxDQUFDLENBQUMsQ0FBQyxHQUFHLENBQUMsQ0FBQztRQUNaLE1BQU0sSUFBSSxHQUFhLEVBQUUsQ0FBQztRQUMxQixLQUFLLElBQUksQ0FBQyxHQUFHLENBQUMsRUFBRSxDQUFDLEdBQUcsU0FBUyxFQUFFLENBQUMsRUFBRSxFQUFFLENBQUM7WUFDbkMsTUFBTSxHQUFHLEdBQUcsSUFBSSxDQUFDLFdBQVcsQ0FBQyxJQUFJLENBQUMsQ0FBQyxDQUFDLENBQUM7WUFDckMsSUFBSSxLQUFLLENBQUMsR0FBRyxDQUFDLEtBQUssQ0FBQyxJQUFJLEtBQUssQ0FBQyxHQUFHLEdBQUcsQ0FBQyxDQUFDLEtBQUssSUFBSTtnQkFBRSxLQUFLLENBQUMsTUFBTSxDQUFDLENBQUMsQ0FBQyxHQUFHLFdBQVcsR0FBRyxVQUFVLENBQUMsR0FBRyxDQUFDLENBQUM7WUFDakcsSUFBSSxDQUFDLEdBQUcsQ0FBQyxDQUFDO1lBQ1YsT0FBTyxDQUFDLElBQUksQ0FBQyxDQUFDLENBQUMsRUFBRSxDQUFDO2dCQUNoQixJQUFJLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxDQUFDO2dCQUNiLENBQUMsR0FBRyxNQUFNLENBQUMsQ0FBQyxDQUFDLENBQUM7WUFDaEIsQ0FBQztZQUNELE9BQU8sSUFBSSxDQUFDLE1BQU0sRUFBRSxDQUFDO2dCQUNuQixNQUFNLENBQUMsR0FBRyxJQUFJLENBQUMsR0FBRyxFQUFHLENBQUM7Z0JBQ3RCLE1BQU0sQ0FBQyxHQUFHLE1BQU0sQ0FBQyxDQUFDLENBQUMsQ0FBQztnQkFDcEIsTUFBTSxNQUFNLEdBQUcsS0FBSyxDQUFDLENBQUMsR0FBRyxXQUFXLEdBQUcsT0FBTyxDQUFDLENBQUM7Z0JBQ2hELDhGQUE4RjtnQkFDOUYsTUFBTSxLQUFLLEdBQUcsS0FBSyxDQUFDLENBQUMsR0FBRyxXQUFXLEdBQUcsS0FBSyxDQUFDLENBQUM7Z0JBQzdDLEtBQUssQ0FBQyxDQUFDLEdBQUcsV0FBVyxHQUFHLEtBQUssQ0FBQyxHQUFHLEtBQUssSUFBSSxDQUFDLENBQUMsQ0FBQyxDQUFDLEtBQUssQ0FBQyxDQUFDLENBQUMsTUFBTSxHQUFHLENBQUMsWUFBWSxHQUFHLE9BQU8sQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDO2dCQUNqRyxJQUFJLENBQUMsQ0FBQyxDQUFDLEdBQUcsQ0FBQyxDQUFDO1lBQ2QsQ0FBQztRQUNILENBQUM7SUFDSCxDQUFDO0lBRUQ7OztPQUdHO0lBQ0ssY0FBYyxDQUFDLElBQWtCLEVBQUUsV0FBcUI7UUFDOUQsTUFBTSxJQUFJLEdBQUcsSUFBSSxDQUFDLE9BQU8sQ0FBQztRQUMxQixLQUFLLElBQUksQ0FBQyxHQUFHLENBQUMsRUFBRSxDQUFDLEdBQUcsV0FBVyxDQUFDLE1BQU0sRUFBRSxDQUFDLElBQUksWUFBWSxFQUFFLENBQUM7WUFDMUQsTUFBTSxHQUFHLEdBQUcsYUFBYSxDQUFDLElBQUksQ0FBQyxLQUFLLEVBQUUsV0FBVyxDQUFDLENBQUMsR0FBRyxDQUFDLENBQUMsRUFBRSxJQUFJLEVBQUUsQ0FBQyxDQUFDLENBQUM7WUFDbkUsTUFBTSxNQUFNLEdBQUcsV0FBVyxDQUFDLElBQUksRUFBRSxDQUFDLEVBQUUsR0FBRyxFQUFFLElBQUksQ0FBQyxJQUFJLEVBQUUsQ0FBQyxFQUFFLElBQUksQ0FBQyxJQUFJLENBQUMsTUFBTSxDQUFDLENBQUM7WUFDekUsTUFBTSxNQUFNLEdBQUcsTUFBTSxDQUFDLENBQUMsQ0FBQyxRQUFRLENBQUMsSUFBSSxFQUFFLGdCQUFnQixDQUFDLElBQUksRUFBRSxDQUFDLEVBQUUsR0FBRyxDQUFDLEVBQUUsSUFBSSxFQUFFLENBQUMsRUFBRSxHQUFHLENBQUMsQ0FBQyxDQUFDLENBQUMsQ0FBQyxDQUFDLENBQUM7WUFDMUYsSUFBSSxDQUFDLE9BQU8sQ0FBQyxXQUFXLENBQUMsQ0FBQyxDQUFDLENBQUMsR0FBRyxNQUFNLENBQUM7WUFDdEMsTUFBTSxLQUFLLEdBQUcsV0FBVyxDQUFDLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQztZQUNqQyxNQUFNLElBQUksR0FBRyxLQUFLLEdBQUcsV0FBVyxDQUFDO1lBQ2pDLElBQUksV0FBVyxDQUFDLENBQUMsR0FBRyxDQUFDLENBQUMsS0FBSyxJQUFJLElBQUksQ0FBQyxDQUFDLElBQUksQ0FBQyxLQUFLLENBQUMsSUFBSSxHQUFHLE9BQU8sQ0FBQyxHQUFHLFlBQVksQ0FBQztnQkFBRSxTQUFTO1lBQzFGLElBQUksV0FBVyxDQUFDLElBQUksRUFBRSxDQUFDLEVBQUUsR0FBRyxFQUFFLElBQUksQ0FBQyxLQUFLLEVBQUUsSUFBSSxDQUFDLEtBQUssQ0FBQyxJQUFJLEdBQUcsVUFBVSxDQUFDLEVBQUUsSUFBSSxDQUFDLEtBQUssQ0FBQyxJQUFJLEdBQUcsVUFBVSxDQUFDLENBQUMsRUFBRSxDQUFDO2dCQUN4RyxTQUFTLENBQUMsSUFBSSxFQUFFLEtBQUssRUFBRSxNQUFNLEVBQUUsWUFBWSxDQUFDLElBQUksQ0FBQyxFQUFFLEVBQUUsSUFBSSxFQUFFLElBQUksQ0FBQyxLQUFLLENBQUMsV0FBVyxDQUFDLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQyxFQUFFLElBQUksRUFBRSxXQUFXLENBQUMsQ0FBQyxHQUFHLENBQUMsQ0FBQyxFQUFFLEVBQUUsSUFBSSxDQUFDLE1BQU0sRUFBRSxJQUFJLENBQUMsTUFBTSxDQUFDLENBQUM7WUFDbkosQ0FBQztRQUNILENBQUM7SUFDSCxDQUFDO0NBQ0Y7QUFFRCwwREFBMEQ7QUFDMUQsU0FBUyxnQkFBZ0IsQ0FBQyxJQUFrQixFQUFFLElBQVksRUFBRSxJQUFZO0lBQ3RFLE9BQU8sY0FBYyxDQUFDLElBQUksRUFBRSxJQUFJLEVBQUUsSUFBSSxDQUFDLElBQUksQ0FBQyxDQUFDO0FBQy9DLENBQUMiLCJzb3VyY2VzQ29udGVudCI6WyIvLyBUdXJucyBhIHN0cmVhbSBvZiBwYXJzZWQgcmVjb3JkcyBpbnRvIGEgQ29tcGlsZWRab25lOiBuYW1lcyBoYXNoZWQsIFJSc2V0cyBncm91cGVkIGFuZCB3aXJlLWVuY29kZWQsIGN1dHMgbWFya2VkLlxuXG5pbXBvcnQgeyBHcm93YWJsZUJ5dGVzLCBHcm93YWJsZUludDMyLCB6b25lSW50MzJBcnJheSB9IGZyb20gJy4vZ3Jvd2FibGUuanMnO1xuaW1wb3J0IHR5cGUgeyBab25lUHJvYmxlbSwgWm9uZVJlY29yZCB9IGZyb20gJy4uL3JlY29yZHMvcmVjb3JkLmpzJztcbmltcG9ydCB7XG4gIHR5cGUgQ29tcGlsZWRab25lLFxuICBOT0RFX1NUUklERSwgTl9OQU1FX09GRiwgTl9OQU1FX0xFTiwgTl9GTEFHUywgTl9GSVJTVF9SUlNFVCwgTl9SUlNFVF9DT1VOVCwgTl9DVVQsIE5fV0lMRENBUkQsIE5fSEFTSCxcbiAgRl9BUEVYLCBGX0RFTEVHQVRJT04sIEZfRE5BTUUsIEZfQ05BTUUsXG4gIFJSU0VUX1NUUklERSwgUl9UVEwsIFJfREFUQV9PRkYsXG4gIGZpbmROb2RlLCBmaW5kU2lnbmF0dXJlcywgRGVuaWFsLFxufSBmcm9tICcuL2NvbXBpbGVkLmpzJztcbmltcG9ydCB7IGJ1aWxkRGVuaWFsSW5kZXgsIGNhbm9uaWNhbE9yZGVyIH0gZnJvbSAnLi4vZG5zc2VjL2RlbmlhbC1pbmRleC5qcyc7XG5pbXBvcnQgeyBjaGVja0RlbmlhbENoYWluIH0gZnJvbSAnLi4vZG5zc2VjL2NoYWluLWNoZWNrcy5qcyc7XG5pbXBvcnQgeyB0eXBlVG9UZXh0IH0gZnJvbSAnLi4vdGV4dC9yZGF0YS90eXBlcy5qcyc7XG5pbXBvcnQgeyBjaGVja0dsdWUsIGNoZWNrTm9kZSwgY2hlY2tab25lLCB0eXBlIE5vZGVWaWV3IH0gZnJvbSAnLi4vcmVjb3Jkcy9jaGVja3MuanMnO1xuaW1wb3J0IHsgY29weU5hbWVMb3dlciwgaGFzaE5hbWVCYWNrd2FyZCwgaXNTdWJkb21haW4sIGxhYmVsQ291bnQsIG5hbWVMZW5ndGgsIG5hbWVUb1N0cmluZyB9IGZyb20gJy4uLy4uL3dpcmUvbmFtZS5qcyc7XG5pbXBvcnQgeyBUX0NOQU1FLCBUX0ROQU1FLCBUX01YLCBUX05TLCBUX1JSU0lHLCBUX1NPQSwgVF9TUlYgfSBmcm9tICcuLi8uLi93aXJlL2NvbnN0YW50cy5qcyc7XG5cbmNvbnN0IFRBUkdFVF9UVVBMRSA9IDY7XG5cbmV4cG9ydCBpbnRlcmZhY2UgQ29tcGlsZVJlc3VsdCB7XG4gIHpvbmU6IENvbXBpbGVkWm9uZSB8IG51bGw7XG4gIGVycm9yczogWm9uZVByb2JsZW1bXTtcbiAgd2FybmluZ3M6IFpvbmVQcm9ibGVtW107XG59XG5cbi8qKiBXaGVyZSB0aGUgbmFtZSB0aGF0IGFkZGl0aW9uYWwtc2VjdGlvbiBwcm9jZXNzaW5nIGZvbGxvd3Mgc2l0cyBpbnNpZGUgdGhlIFJEQVRBLCBvciAtMS4gKi9cbmZ1bmN0aW9uIHRhcmdldE9mZnNldCh0eXBlOiBudW1iZXIpOiBudW1iZXIge1xuICBpZiAodHlwZSA9PT0gVF9OUykgcmV0dXJuIDA7XG4gIGlmICh0eXBlID09PSBUX01YKSByZXR1cm4gMjtcbiAgaWYgKHR5cGUgPT09IFRfU1JWKSByZXR1cm4gNjtcbiAgcmV0dXJuIC0xO1xufVxuXG5leHBvcnQgY2xhc3MgWm9uZUNvbXBpbGVyIHtcbiAgcHJpdmF0ZSByZWFkb25seSBhcGV4OiBVaW50OEFycmF5O1xuICBwcml2YXRlIHJlYWRvbmx5IG5hbWVzID0gbmV3IEdyb3dhYmxlQnl0ZXMoMSA8PCAxNik7XG4gIHByaXZhdGUgcmVhZG9ubHkgbm9kZU5hbWVPZmYgPSBuZXcgR3Jvd2FibGVJbnQzMigpO1xuICBwcml2YXRlIHJlYWRvbmx5IG5vZGVOYW1lTGVuID0gbmV3IEdyb3dhYmxlSW50MzIoKTtcbiAgcHJpdmF0ZSByZWFkb25seSBub2RlSGFzaCA9IG5ldyBHcm93YWJsZUludDMyKCk7XG4gIHByaXZhdGUgcmVhZG9ubHkgbm9kZVBhcmVudCA9IG5ldyBHcm93YWJsZUludDMyKCk7XG4gIHByaXZhdGUgaGFzaFRhYmxlOiBJbnQzMkFycmF5ID0gbmV3IEludDMyQXJyYXkoMTAyNCk7XG4gIHByaXZhdGUgcmVhZG9ubHkgcmVjTm9kZSA9IG5ldyBHcm93YWJsZUludDMyKCk7XG4gIHByaXZhdGUgcmVhZG9ubHkgcmVjVHlwZSA9IG5ldyBHcm93YWJsZUludDMyKCk7XG4gIHByaXZhdGUgcmVhZG9ubHkgcmVjVHRsID0gbmV3IEdyb3dhYmxlSW50MzIoKTtcbiAgcHJpdmF0ZSByZWFkb25seSByZWNMaW5lID0gbmV3IEdyb3dhYmxlSW50MzIoKTtcbiAgcHJpdmF0ZSByZWFkb25seSByZWNPZmYgPSBuZXcgR3Jvd2FibGVJbnQzMigpO1xuICBwcml2YXRlIHJlYWRvbmx5IHJkYXRhSW4gPSBuZXcgR3Jvd2FibGVCeXRlcygxIDw8IDE2KTtcbiAgcHJpdmF0ZSByZWFkb25seSBzY3JhdGNoID0gbmV3IFVpbnQ4QXJyYXkoMjU2KTtcbiAgcHJpdmF0ZSByZWFkb25seSBlcnJvcnM6IFpvbmVQcm9ibGVtW10gPSBbXTtcbiAgcHJpdmF0ZSByZWFkb25seSB3YXJuaW5nczogWm9uZVByb2JsZW1bXSA9IFtdO1xuICBwcml2YXRlIHJlYWRvbmx5IGZpbGVzOiBzdHJpbmdbXSA9IFtdO1xuICBwcml2YXRlIHJlYWRvbmx5IHJlY0ZpbGUgPSBuZXcgR3Jvd2FibGVJbnQzMigpO1xuXG4gIGNvbnN0cnVjdG9yKG9yaWdpbjogVWludDhBcnJheSwgcHJpdmF0ZSByZWFkb25seSBmaWxlOiBzdHJpbmcpIHtcbiAgICB0aGlzLmFwZXggPSBuZXcgVWludDhBcnJheShuYW1lTGVuZ3RoKG9yaWdpbiwgMCkpO1xuICAgIGNvcHlOYW1lTG93ZXIob3JpZ2luLCAwLCB0aGlzLmFwZXgsIDApO1xuICAgIHRoaXMuaW50ZXJuTm9kZSh0aGlzLmFwZXgsIDAsIHRoaXMuYXBleC5sZW5ndGgpO1xuICB9XG5cbiAgYWRkKHJlYzogWm9uZVJlY29yZCk6IHZvaWQge1xuICAgIGNvbnN0IGxlbiA9IGNvcHlOYW1lTG93ZXIocmVjLm93bmVyLCAwLCB0aGlzLnNjcmF0Y2gsIDApO1xuICAgIGlmICghaXNTdWJkb21haW4odGhpcy5zY3JhdGNoLCAwLCBsZW4sIHRoaXMuYXBleCwgMCwgdGhpcy5hcGV4Lmxlbmd0aCkpIHtcbiAgICAgIHRoaXMuZXJyb3JzLnB1c2goeyBmaWxlOiByZWMuZmlsZSwgbGluZTogcmVjLmxpbmUsIG1lc3NhZ2U6IGAke25hbWVUb1N0cmluZyhyZWMub3duZXIpfSBpcyBvdXRzaWRlIHRoZSB6b25lICR7bmFtZVRvU3RyaW5nKHRoaXMuYXBleCl9YCB9KTtcbiAgICAgIHJldHVybjtcbiAgICB9XG4gICAgbGV0IGZpbGVJbmRleCA9IHRoaXMuZmlsZXMubGVuZ3RoIC0gMTtcbiAgICBpZiAoZmlsZUluZGV4IDwgMCB8fCB0aGlzLmZpbGVzW2ZpbGVJbmRleF0gIT09IHJlYy5maWxlKSB7XG4gICAgICBmaWxlSW5kZXggPSB0aGlzLmZpbGVzLmluZGV4T2YocmVjLmZpbGUpO1xuICAgICAgaWYgKGZpbGVJbmRleCA8IDApIGZpbGVJbmRleCA9IHRoaXMuZmlsZXMucHVzaChyZWMuZmlsZSkgLSAxO1xuICAgIH1cbiAgICB0aGlzLnJlY05vZGUucHVzaCh0aGlzLmludGVybk5vZGUodGhpcy5zY3JhdGNoLCAwLCBsZW4pKTtcbiAgICB0aGlzLnJlY1R5cGUucHVzaChyZWMudHlwZSk7XG4gICAgdGhpcy5yZWNUdGwucHVzaChyZWMudHRsKTtcbiAgICB0aGlzLnJlY0xpbmUucHVzaChyZWMubGluZSk7XG4gICAgdGhpcy5yZWNGaWxlLnB1c2goZmlsZUluZGV4KTtcbiAgICB0aGlzLnJlY09mZi5wdXNoKHRoaXMucmRhdGFJbi5sZW5ndGgpO1xuICAgIHRoaXMucmRhdGFJbi5wdXNoVTE2KHJlYy5yZGF0YS5sZW5ndGgpO1xuICAgIHRoaXMucmRhdGFJbi5hcHBlbmQocmVjLnJkYXRhKTtcbiAgfVxuXG4gIC8qKiBSZXBvcnRzIGEgcHJvYmxlbSBmb3VuZCBvdXRzaWRlIHRoZSBjb21waWxlciAodGhlIHBhcnNlcidzKSwgc28gdGhhdCBmaW5pc2goKSBmYWlscyB0aGUgem9uZS4gKi9cbiAgYWRkRXJyb3IocDogWm9uZVByb2JsZW0pOiB2b2lkIHtcbiAgICB0aGlzLmVycm9ycy5wdXNoKHApO1xuICB9XG5cbiAgZ2V0IHJlY29yZENvdW50KCk6IG51bWJlciB7XG4gICAgcmV0dXJuIHRoaXMucmVjTm9kZS5sZW5ndGg7XG4gIH1cblxuICAvKiogRmluZHMgb3IgY3JlYXRlcyB0aGUgbm9kZSBmb3IgYSBsb3dlci1jYXNlIG5hbWUsIGNyZWF0aW5nIGVtcHR5IG5vbi10ZXJtaW5hbHMgdXAgdG8gdGhlIGFwZXguICovXG4gIHByaXZhdGUgaW50ZXJuTm9kZShidWY6IFVpbnQ4QXJyYXksIG9mZjogbnVtYmVyLCBsZW46IG51bWJlcik6IG51bWJlciB7XG4gICAgY29uc3QgaGFzaCA9IGhhc2hOYW1lQmFja3dhcmQoYnVmLCBvZmYsIG9mZiArIGxlbik7XG4gICAgY29uc3QgbWFzayA9IHRoaXMuaGFzaFRhYmxlLmxlbmd0aCAtIDE7XG4gICAgbGV0IHNsb3QgPSBoYXNoICYgbWFzaztcbiAgICBmb3IgKDs7KSB7XG4gICAgICBjb25zdCBlbnRyeSA9IHRoaXMuaGFzaFRhYmxlW3Nsb3RdO1xuICAgICAgaWYgKGVudHJ5ID09PSAwKSBicmVhaztcbiAgICAgIGNvbnN0IG4gPSBlbnRyeSAtIDE7XG4gICAgICBpZiAodGhpcy5ub2RlSGFzaC5kYXRhW25dID09PSAoaGFzaCB8IDApICYmIHRoaXMubm9kZU5hbWVMZW4uZGF0YVtuXSA9PT0gbGVuICYmIHRoaXMuc2FtZU5hbWUobiwgYnVmLCBvZmYsIGxlbikpIHJldHVybiBuO1xuICAgICAgc2xvdCA9IChzbG90ICsgMSkgJiBtYXNrO1xuICAgIH1cbiAgICBjb25zdCBub2RlID0gdGhpcy5ub2RlTmFtZU9mZi5sZW5ndGg7XG4gICAgdGhpcy5ub2RlTmFtZU9mZi5wdXNoKHRoaXMubmFtZXMuYXBwZW5kKGJ1Ziwgb2ZmLCBsZW4pKTtcbiAgICB0aGlzLm5vZGVOYW1lTGVuLnB1c2gobGVuKTtcbiAgICB0aGlzLm5vZGVIYXNoLnB1c2goaGFzaCB8IDApO1xuICAgIHRoaXMubm9kZVBhcmVudC5wdXNoKC0xKTtcbiAgICB0aGlzLmhhc2hUYWJsZVtzbG90XSA9IG5vZGUgKyAxO1xuICAgIGlmICgobm9kZSArIDEpICogMiA+IHRoaXMuaGFzaFRhYmxlLmxlbmd0aCkgdGhpcy5yZWhhc2godGhpcy5oYXNoVGFibGUubGVuZ3RoICogMik7XG4gICAgaWYgKGxlbiA+IHRoaXMuYXBleC5sZW5ndGgpIHRoaXMubm9kZVBhcmVudC5kYXRhW25vZGVdID0gdGhpcy5pbnRlcm5Ob2RlKGJ1Ziwgb2ZmICsgYnVmW29mZl0gKyAxLCBsZW4gLSBidWZbb2ZmXSAtIDEpO1xuICAgIHJldHVybiBub2RlO1xuICB9XG5cbiAgcHJpdmF0ZSBzYW1lTmFtZShub2RlOiBudW1iZXIsIGJ1ZjogVWludDhBcnJheSwgb2ZmOiBudW1iZXIsIGxlbjogbnVtYmVyKTogYm9vbGVhbiB7XG4gICAgY29uc3QgbmFtZXMgPSB0aGlzLm5hbWVzLmRhdGE7XG4gICAgY29uc3QgYXQgPSB0aGlzLm5vZGVOYW1lT2ZmLmRhdGFbbm9kZV07XG4gICAgZm9yIChsZXQgaSA9IDA7IGkgPCBsZW47IGkrKykgaWYgKG5hbWVzW2F0ICsgaV0gIT09IGJ1ZltvZmYgKyBpXSkgcmV0dXJuIGZhbHNlO1xuICAgIHJldHVybiB0cnVlO1xuICB9XG5cbiAgcHJpdmF0ZSByZWhhc2goc2l6ZTogbnVtYmVyKTogdm9pZCB7XG4gICAgY29uc3QgdGFibGUgPSB6b25lSW50MzJBcnJheShzaXplKTtcbiAgICBjb25zdCBtYXNrID0gc2l6ZSAtIDE7XG4gICAgZm9yIChsZXQgbiA9IDA7IG4gPCB0aGlzLm5vZGVOYW1lT2ZmLmxlbmd0aDsgbisrKSB7XG4gICAgICBsZXQgc2xvdCA9IHRoaXMubm9kZUhhc2guZGF0YVtuXSAmIG1hc2s7XG4gICAgICB3aGlsZSAodGFibGVbc2xvdF0gIT09IDApIHNsb3QgPSAoc2xvdCArIDEpICYgbWFzaztcbiAgICAgIHRhYmxlW3Nsb3RdID0gbiArIDE7XG4gICAgfVxuICAgIHRoaXMuaGFzaFRhYmxlID0gdGFibGU7XG4gIH1cblxuICBmaW5pc2goKTogQ29tcGlsZVJlc3VsdCB7XG4gICAgY29uc3Qgbm9kZUNvdW50ID0gdGhpcy5ub2RlTmFtZU9mZi5sZW5ndGg7XG4gICAgY29uc3QgcmVjQ291bnQgPSB0aGlzLnJlY05vZGUubGVuZ3RoO1xuICAgIC8vIENvdW50aW5nIHNvcnQgb2YgcmVjb3JkcyBieSBub2RlOiBPKG4pLCBubyBjb21wYXJhdG9yIGNhbGxzIG92ZXIgYSBtaWxsaW9uIHJlY29yZHMuXG4gICAgY29uc3Qgc3RhcnQgPSBuZXcgSW50MzJBcnJheShub2RlQ291bnQgKyAxKTtcbiAgICBmb3IgKGxldCByID0gMDsgciA8IHJlY0NvdW50OyByKyspIHN0YXJ0W3RoaXMucmVjTm9kZS5kYXRhW3JdICsgMV0rKztcbiAgICBmb3IgKGxldCBuID0gMDsgbiA8IG5vZGVDb3VudDsgbisrKSBzdGFydFtuICsgMV0gKz0gc3RhcnRbbl07XG4gICAgY29uc3Qgb3JkZXIgPSBuZXcgSW50MzJBcnJheShyZWNDb3VudCk7XG4gICAgY29uc3QgZmlsbCA9IHN0YXJ0LnNsaWNlKDAsIG5vZGVDb3VudCk7XG4gICAgZm9yIChsZXQgciA9IDA7IHIgPCByZWNDb3VudDsgcisrKSBvcmRlcltmaWxsW3RoaXMucmVjTm9kZS5kYXRhW3JdXSsrXSA9IHI7XG5cbiAgICBjb25zdCBub2RlcyA9IHpvbmVJbnQzMkFycmF5KG5vZGVDb3VudCAqIE5PREVfU1RSSURFKTtcbiAgICBjb25zdCBycnNldHMgPSBuZXcgR3Jvd2FibGVJbnQzMihNYXRoLm1heCgxMDI0LCBub2RlQ291bnQgKiBSUlNFVF9TVFJJREUpKTtcbiAgICBjb25zdCByZGF0YSA9IG5ldyBHcm93YWJsZUJ5dGVzKE1hdGgubWF4KDEgPDwgMTYsIHRoaXMucmRhdGFJbi5sZW5ndGgpKTtcbiAgICBjb25zdCB0YXJnZXROYW1lczogbnVtYmVyW10gPSBbXTsgLy8gcGVyIHRhcmdldDogdGFyZ2V0cyBpbmRleCwgcmRhdGEgb2Zmc2V0IG9mIHRoZSBuYW1lLCBvd25lciBub2RlLCBsaW5lLCB0eXBlLCBmaWxlIGluZGV4XG4gICAgbGV0IGtlcHQgPSAwO1xuICAgIGxldCBzb2FSUnNldCA9IC0xO1xuICAgIC8vIFdoZXJlIGVhY2ggbmFtZSdzIGZpcnN0IHJlY29yZCBpczogRE5TU0VDIGNoYWluIHByb2JsZW1zIGFyZSByZXBvcnRlZCBhdCBpdC5cbiAgICBjb25zdCBub2RlTGluZSA9IG5ldyBJbnQzMkFycmF5KG5vZGVDb3VudCk7XG4gICAgY29uc3Qgbm9kZUZpbGUgPSBuZXcgSW50MzJBcnJheShub2RlQ291bnQpO1xuICAgIGNvbnN0IHZpZXc6IE5vZGVWaWV3ID0geyBub2RlOiAwLCB0eXBlczogW10sIGNvdW50czogW10sIGxpbmVzOiBbXSwgaXNBcGV4OiBmYWxzZSwgZmlsZTogdGhpcy5maWxlIH07XG4gICAgY29uc3QgYnlUeXBlOiBudW1iZXJbXSA9IFtdO1xuXG4gICAgZm9yIChsZXQgbiA9IDA7IG4gPCBub2RlQ291bnQ7IG4rKykge1xuICAgICAgY29uc3QgYmFzZSA9IG4gKiBOT0RFX1NUUklERTtcbiAgICAgIG5vZGVzW2Jhc2UgKyBOX05BTUVfT0ZGXSA9IHRoaXMubm9kZU5hbWVPZmYuZGF0YVtuXTtcbiAgICAgIG5vZGVzW2Jhc2UgKyBOX05BTUVfTEVOXSA9IHRoaXMubm9kZU5hbWVMZW4uZGF0YVtuXTtcbiAgICAgIG5vZGVzW2Jhc2UgKyBOX0hBU0hdID0gdGhpcy5ub2RlSGFzaC5kYXRhW25dO1xuICAgICAgbm9kZXNbYmFzZSArIE5fQ1VUXSA9IC0xO1xuICAgICAgbm9kZXNbYmFzZSArIE5fV0lMRENBUkRdID0gLTE7XG4gICAgICBub2Rlc1tiYXNlICsgTl9GSVJTVF9SUlNFVF0gPSBycnNldHMubGVuZ3RoIC8gUlJTRVRfU1RSSURFO1xuICAgICAgY29uc3QgaXNBcGV4ID0gbiA9PT0gMDtcbiAgICAgIGxldCBmbGFncyA9IGlzQXBleCA/IEZfQVBFWCA6IDA7XG4gICAgICBjb25zdCBmcm9tID0gc3RhcnRbbl07XG4gICAgICBjb25zdCB0byA9IHN0YXJ0W24gKyAxXTtcbiAgICAgIGlmIChmcm9tID09PSB0bykge1xuICAgICAgICBub2Rlc1tiYXNlICsgTl9GTEFHU10gPSBmbGFncztcbiAgICAgICAgY29udGludWU7XG4gICAgICB9XG4gICAgICBieVR5cGUubGVuZ3RoID0gMDtcbiAgICAgIGZvciAobGV0IGkgPSBmcm9tOyBpIDwgdG87IGkrKykgYnlUeXBlLnB1c2gob3JkZXJbaV0pO1xuICAgICAgY29uc3QgcmVjVHlwZSA9IHRoaXMucmVjVHlwZS5kYXRhO1xuICAgICAgLy8gUlJTSUdzIGFyZSBncm91cGVkIHBlciBjb3ZlcmVkIHR5cGUsIGVhY2ggZ3JvdXAgd2l0aCBpdHMgb3duIFRUTCAoUkZDIDQwMzQgc2VjdGlvbiAzKS5cbiAgICAgIGlmIChieVR5cGUubGVuZ3RoID4gMSkgYnlUeXBlLnNvcnQoKGEsIGIpID0+IHJlY1R5cGVbYV0gLSByZWNUeXBlW2JdIHx8IHRoaXMuY292ZXJlZChhKSAtIHRoaXMuY292ZXJlZChiKSB8fCBhIC0gYik7XG4gICAgICB2aWV3LnR5cGVzLmxlbmd0aCA9IDA7XG4gICAgICB2aWV3LmNvdW50cy5sZW5ndGggPSAwO1xuICAgICAgdmlldy5saW5lcy5sZW5ndGggPSAwO1xuICAgICAgdmlldy5pc0FwZXggPSBpc0FwZXg7XG4gICAgICBsZXQgcnJzZXRDb3VudCA9IDA7XG4gICAgICBmb3IgKGxldCBpID0gMDsgaSA8IGJ5VHlwZS5sZW5ndGg7ICkge1xuICAgICAgICBjb25zdCB0eXBlID0gcmVjVHlwZVtieVR5cGVbaV1dO1xuICAgICAgICBsZXQgaiA9IGk7XG4gICAgICAgIGNvbnN0IGNvdmVycyA9IHRoaXMuY292ZXJlZChieVR5cGVbaV0pO1xuICAgICAgICB3aGlsZSAoaiA8IGJ5VHlwZS5sZW5ndGggJiYgcmVjVHlwZVtieVR5cGVbal1dID09PSB0eXBlICYmIHRoaXMuY292ZXJlZChieVR5cGVbal0pID09PSBjb3ZlcnMpIGorKztcbiAgICAgICAgY29uc3Qgcm93ID0gcnJzZXRzLmxlbmd0aDtcbiAgICAgICAgY29uc3QgZmlyc3QgPSBieVR5cGVbaV07XG4gICAgICAgIGNvbnN0IHR0bCA9IHRoaXMucmVjVHRsLmRhdGFbZmlyc3RdO1xuICAgICAgICBjb25zdCBkYXRhT2ZmID0gcmRhdGEubGVuZ3RoO1xuICAgICAgICBjb25zdCB0T2ZmID0gdGFyZ2V0T2Zmc2V0KHR5cGUpO1xuICAgICAgICBjb25zdCBmaXJzdFRhcmdldCA9IHRhcmdldE5hbWVzLmxlbmd0aCAvIFRBUkdFVF9UVVBMRTtcbiAgICAgICAgbGV0IGNvdW50ID0gMDtcbiAgICAgICAgZm9yIChsZXQgayA9IGk7IGsgPCBqOyBrKyspIHtcbiAgICAgICAgICBjb25zdCByID0gYnlUeXBlW2tdO1xuICAgICAgICAgIGlmICh0aGlzLnJlY1R0bC5kYXRhW3JdICE9PSB0dGwpIHtcbiAgICAgICAgICAgIHRoaXMud2FybmluZ3MucHVzaCh7XG4gICAgICAgICAgICAgIGZpbGU6IHRoaXMuZmlsZXNbdGhpcy5yZWNGaWxlLmRhdGFbcl1dLCBsaW5lOiB0aGlzLnJlY0xpbmUuZGF0YVtyXSxcbiAgICAgICAgICAgICAgbWVzc2FnZTogYFRUTCAke3RoaXMucmVjVHRsLmRhdGFbcl19IGRpZmZlcnMgZnJvbSAke3R0bH0gd2l0aGluIHRoZSBSUnNldDsgdXNpbmcgJHt0dGx9IChSRkMgMjE4MSBzZWN0aW9uIDUuMilgLFxuICAgICAgICAgICAgfSk7XG4gICAgICAgICAgfVxuICAgICAgICAgIGlmICh0aGlzLmlzRHVwbGljYXRlKHIsIHJkYXRhLmRhdGEsIGRhdGFPZmYsIHJkYXRhLmxlbmd0aCkpIGNvbnRpbnVlO1xuICAgICAgICAgIGlmICh0eXBlID09PSBUX1JSU0lHKSB0aGlzLm5vdGVFeHBpcnkociwgbik7XG4gICAgICAgICAgY29uc3Qgb2ZmID0gdGhpcy5yZWNPZmYuZGF0YVtyXTtcbiAgICAgICAgICBjb25zdCBsZW4gPSAyICsgKCh0aGlzLnJkYXRhSW4uZGF0YVtvZmZdIDw8IDgpIHwgdGhpcy5yZGF0YUluLmRhdGFbb2ZmICsgMV0pO1xuICAgICAgICAgIGNvbnN0IGF0ID0gcmRhdGEuYXBwZW5kKHRoaXMucmRhdGFJbi5kYXRhLCBvZmYsIGxlbik7XG4gICAgICAgICAgaWYgKHRPZmYgPj0gMCkgdGFyZ2V0TmFtZXMucHVzaCh0YXJnZXROYW1lcy5sZW5ndGggLyBUQVJHRVRfVFVQTEUsIGF0ICsgMiArIHRPZmYsIG4sIHRoaXMucmVjTGluZS5kYXRhW3JdLCB0eXBlLCB0aGlzLnJlY0ZpbGUuZGF0YVtyXSk7XG4gICAgICAgICAgY291bnQrKztcbiAgICAgICAgfVxuICAgICAgICBrZXB0ICs9IGNvdW50O1xuICAgICAgICBycnNldHMucHVzaCh0eXBlKTtcbiAgICAgICAgcnJzZXRzLnB1c2godHRsKTtcbiAgICAgICAgcnJzZXRzLnB1c2goY291bnQpO1xuICAgICAgICBycnNldHMucHVzaChkYXRhT2ZmKTtcbiAgICAgICAgcnJzZXRzLnB1c2gocmRhdGEubGVuZ3RoKTtcbiAgICAgICAgcnJzZXRzLnB1c2godE9mZiA8IDAgPyAtMSA6IGZpcnN0VGFyZ2V0KTtcbiAgICAgICAgaWYgKHR5cGUgPT09IFRfU09BICYmIGlzQXBleCkgc29hUlJzZXQgPSByb3cgLyBSUlNFVF9TVFJJREU7XG4gICAgICAgIGlmICh0eXBlID09PSBUX05TICYmICFpc0FwZXgpIGZsYWdzIHw9IEZfREVMRUdBVElPTjtcbiAgICAgICAgaWYgKHR5cGUgPT09IFRfRE5BTUUpIGZsYWdzIHw9IEZfRE5BTUU7XG4gICAgICAgIGlmICh0eXBlID09PSBUX0NOQU1FKSBmbGFncyB8PSBGX0NOQU1FO1xuICAgICAgICB2aWV3LnR5cGVzLnB1c2godHlwZSk7XG4gICAgICAgIHZpZXcuY291bnRzLnB1c2goY291bnQpO1xuICAgICAgICB2aWV3LmxpbmVzLnB1c2godGhpcy5yZWNMaW5lLmRhdGFbZmlyc3RdKTtcbiAgICAgICAgcnJzZXRDb3VudCsrO1xuICAgICAgICBpID0gajtcbiAgICAgIH1cbiAgICAgIHZpZXcuZmlsZSA9IHRoaXMuZmlsZXNbdGhpcy5yZWNGaWxlLmRhdGFbYnlUeXBlWzBdXV07XG4gICAgICBub2RlTGluZVtuXSA9IHRoaXMucmVjTGluZS5kYXRhW2J5VHlwZVswXV07XG4gICAgICBub2RlRmlsZVtuXSA9IHRoaXMucmVjRmlsZS5kYXRhW2J5VHlwZVswXV07XG4gICAgICB2aWV3Lm5vZGUgPSBuO1xuICAgICAgY2hlY2tOb2RlKHZpZXcsIHRoaXMuZXJyb3JzLCB0aGlzLm5hbWVPZik7XG4gICAgICBub2Rlc1tiYXNlICsgTl9GTEFHU10gPSBmbGFncztcbiAgICAgIG5vZGVzW2Jhc2UgKyBOX1JSU0VUX0NPVU5UXSA9IHJyc2V0Q291bnQ7XG4gICAgfVxuXG4gICAgdGhpcy5saW5rVHJlZShub2Rlcywgbm9kZUNvdW50KTtcbiAgICBjb25zdCBmaXJzdCA9IHRoaXMuZmlyc3RMaW5lKCk7XG4gICAgLy8gVGhlIHBlci1yZWNvcmQgc2NyYXRjaCBpcyBkb25lIHdpdGg6IGxldCBpdCBnbyBiZWZvcmUgdGhlIGV4YWN0LXNpemUgY29waWVzIGJlbG93IGFyZSBtYWRlLlxuICAgIGZvciAoY29uc3QgZyBvZiBbdGhpcy5yZWNOb2RlLCB0aGlzLnJlY1R5cGUsIHRoaXMucmVjVHRsLCB0aGlzLnJlY0xpbmUsIHRoaXMucmVjT2ZmLCB0aGlzLnJlY0ZpbGUsIHRoaXMucmRhdGFJbl0pIGcucmVsZWFzZSgpO1xuICAgIGNvbnN0IHpvbmU6IENvbXBpbGVkWm9uZSA9IHtcbiAgICAgIG1ldGE6IHsgb3JpZ2luOiBuYW1lVG9TdHJpbmcodGhpcy5hcGV4KSwgc2VyaWFsOiAwLCByZWNvcmRzOiBrZXB0LCBmaWxlOiB0aGlzLmZpbGUsIGxvYWRlZEF0OiBEYXRlLm5vdygpLCBzaWduYXR1cmVFeHBpcnk6IDAsIHNpZ25hdHVyZUV4cGlyeVdoZXJlOiAnJywgc2lnbmF0dXJlRXhwaXJ5UmVjb3JkOiAnJyB9LFxuICAgICAgYXBleDogMCxcbiAgICAgIGFwZXhOYW1lOiB0aGlzLmFwZXgsXG4gICAgICBhcGV4TGFiZWxzOiBsYWJlbENvdW50KHRoaXMuYXBleCwgMCksXG4gICAgICBuYW1lczogdGhpcy5uYW1lcy50b0FycmF5KCksXG4gICAgICBub2RlcyxcbiAgICAgIGhhc2hUYWJsZTogdGhpcy5oYXNoVGFibGUsXG4gICAgICBycnNldHM6IHJyc2V0cy50b0FycmF5KCksXG4gICAgICByZGF0YTogcmRhdGEudG9BcnJheSgpLFxuICAgICAgdGFyZ2V0czogem9uZUludDMyQXJyYXkodGFyZ2V0TmFtZXMubGVuZ3RoIC8gVEFSR0VUX1RVUExFKSxcbiAgICAgIG5lZ2F0aXZlVHRsOiAwLFxuICAgICAgc29hUlJzZXQsXG4gICAgICBzaWduZWQ6IGZhbHNlLFxuICAgICAgZGVuaWFsOiBEZW5pYWwuTm9uZSxcbiAgICAgIG5zZWNPcmRlcjogbmV3IEludDMyQXJyYXkoMCksXG4gICAgICBuc2VjM0hhc2hlczogbmV3IFVpbnQ4QXJyYXkoMCksXG4gICAgICBuc2VjM05vZGVzOiBuZXcgSW50MzJBcnJheSgwKSxcbiAgICAgIG5vZGVOc2VjMzogbmV3IEludDMyQXJyYXkoMCksXG4gICAgICBuc2VjM1NhbHQ6IG5ldyBVaW50OEFycmF5KDApLFxuICAgICAgbnNlYzNJdGVyYXRpb25zOiAwLFxuICAgIH07XG4gICAgem9uZS5tZXRhLnNpZ25hdHVyZUV4cGlyeSA9IHRoaXMuZWFybGllc3RFeHBpcnk7XG4gICAgem9uZS5tZXRhLnNpZ25hdHVyZUV4cGlyeVdoZXJlID0gdGhpcy5lYXJsaWVzdEV4cGlyeVdoZXJlO1xuICAgIHpvbmUubWV0YS5zaWduYXR1cmVFeHBpcnlSZWNvcmQgPSB0aGlzLmVhcmxpZXN0RXhwaXJ5UmVjb3JkO1xuICAgIHpvbmUuc2lnbmVkID0gaGFzU2lnbmF0dXJlT3Zlcih6b25lLCAwLCBUX1NPQSk7XG4gICAgdGhpcy5yZXNvbHZlVGFyZ2V0cyh6b25lLCB0YXJnZXROYW1lcyk7XG4gICAgaWYgKHpvbmUuc2lnbmVkKSB7XG4gICAgICBjb25zdCBvcmRlciA9IGNhbm9uaWNhbE9yZGVyKHpvbmUsIHRoaXMubm9kZVBhcmVudC5kYXRhLCBub2RlQ291bnQpO1xuICAgICAgYnVpbGREZW5pYWxJbmRleCh6b25lLCBvcmRlcik7XG4gICAgICBjb25zdCBmaWxlcyA9IHRoaXMuZmlsZXMubGVuZ3RoID8gdGhpcy5maWxlcyA6IFt0aGlzLmZpbGVdO1xuICAgICAgY2hlY2tEZW5pYWxDaGFpbih6b25lLCBvcmRlciwgeyBmaWxlOiAobikgPT4gZmlsZXNbbm9kZUZpbGVbbl1dLCBsaW5lOiAobikgPT4gbm9kZUxpbmVbbl0gfSwgdGhpcy53YXJuaW5ncyk7XG4gICAgfVxuICAgIGNoZWNrWm9uZSh6b25lLCBmaXJzdCwgdGhpcy5lcnJvcnMpO1xuICAgIGlmIChzb2FSUnNldCA+PSAwKSB7XG4gICAgICBjb25zdCBiYXNlID0gc29hUlJzZXQgKiBSUlNFVF9TVFJJREU7XG4gICAgICBjb25zdCBwID0gem9uZS5ycnNldHNbYmFzZSArIFJfREFUQV9PRkZdICsgMjtcbiAgICAgIGNvbnN0IGFmdGVyTmFtZXMgPSBwICsgbmFtZUxlbmd0aCh6b25lLnJkYXRhLCBwKTtcbiAgICAgIGNvbnN0IGZpZWxkcyA9IGFmdGVyTmFtZXMgKyBuYW1lTGVuZ3RoKHpvbmUucmRhdGEsIGFmdGVyTmFtZXMpO1xuICAgICAgY29uc3QgZHYgPSBuZXcgRGF0YVZpZXcoem9uZS5yZGF0YS5idWZmZXIsIHpvbmUucmRhdGEuYnl0ZU9mZnNldCk7XG4gICAgICB6b25lLm1ldGEuc2VyaWFsID0gZHYuZ2V0VWludDMyKGZpZWxkcyk7XG4gICAgICB6b25lLm5lZ2F0aXZlVHRsID0gTWF0aC5taW4oem9uZS5ycnNldHNbYmFzZSArIFJfVFRMXSwgZHYuZ2V0VWludDMyKGZpZWxkcyArIDE2KSk7XG4gICAgfVxuICAgIHJldHVybiB7IHpvbmU6IHRoaXMuZXJyb3JzLmxlbmd0aCA/IG51bGwgOiB6b25lLCBlcnJvcnM6IHRoaXMuZXJyb3JzLCB3YXJuaW5nczogdGhpcy53YXJuaW5ncyB9O1xuICB9XG5cbiAgLyoqIFRoZSB0eXBlIGFuIFJSU0lHIHJlY29yZCBjb3ZlcnMgKDAgZm9yIG90aGVyIHR5cGVzKSwgcmVhZCBmcm9tIHRoZSBzY3JhdGNoIFJEQVRBLiAqL1xuICBwcml2YXRlIGNvdmVyZWQocjogbnVtYmVyKTogbnVtYmVyIHtcbiAgICBpZiAodGhpcy5yZWNUeXBlLmRhdGFbcl0gIT09IFRfUlJTSUcpIHJldHVybiAwO1xuICAgIGNvbnN0IG9mZiA9IHRoaXMucmVjT2ZmLmRhdGFbcl0gKyAyO1xuICAgIHJldHVybiAodGhpcy5yZGF0YUluLmRhdGFbb2ZmXSA8PCA4KSB8IHRoaXMucmRhdGFJbi5kYXRhW29mZiArIDFdO1xuICB9XG5cbiAgcHJpdmF0ZSBlYXJsaWVzdEV4cGlyeSA9IDA7XG4gIHByaXZhdGUgZWFybGllc3RFeHBpcnlXaGVyZSA9ICcnO1xuICBwcml2YXRlIGVhcmxpZXN0RXhwaXJ5UmVjb3JkID0gJyc7XG5cbiAgLyoqIEtlZXBzIHRoZSBlYXJsaWVzdCBzaWduYXR1cmUgZXhwaXJhdGlvbiAoUkZDIDQwMzQgc2VjdGlvbiAzLjEuNSkgYW5kIHdoZXJlIGl0IGlzLiAqL1xuICBwcml2YXRlIG5vdGVFeHBpcnkocjogbnVtYmVyLCBub2RlOiBudW1iZXIpOiB2b2lkIHtcbiAgICBjb25zdCBvZmYgPSB0aGlzLnJlY09mZi5kYXRhW3JdICsgMiArIDg7XG4gICAgY29uc3QgZCA9IHRoaXMucmRhdGFJbi5kYXRhO1xuICAgIGNvbnN0IGV4cGlyeSA9ICgoZFtvZmZdIDw8IDI0KSB8IChkW29mZiArIDFdIDw8IDE2KSB8IChkW29mZiArIDJdIDw8IDgpIHwgZFtvZmYgKyAzXSkgPj4+IDA7XG4gICAgaWYgKHRoaXMuZWFybGllc3RFeHBpcnkgIT09IDAgJiYgZXhwaXJ5ID49IHRoaXMuZWFybGllc3RFeHBpcnkpIHJldHVybjtcbiAgICB0aGlzLmVhcmxpZXN0RXhwaXJ5ID0gZXhwaXJ5O1xuICAgIHRoaXMuZWFybGllc3RFeHBpcnlXaGVyZSA9IGAke3RoaXMuZmlsZXNbdGhpcy5yZWNGaWxlLmRhdGFbcl1dfToke3RoaXMucmVjTGluZS5kYXRhW3JdfWA7XG4gICAgdGhpcy5lYXJsaWVzdEV4cGlyeVJlY29yZCA9IGAke3RoaXMubmFtZU9mKG5vZGUpfSBSUlNJRygke3R5cGVUb1RleHQodGhpcy5jb3ZlcmVkKHIpKX0pYDtcbiAgfVxuXG4gIHByaXZhdGUgcmVhZG9ubHkgbmFtZU9mID0gKG5vZGU6IG51bWJlcik6IHN0cmluZyA9PiBuYW1lVG9TdHJpbmcodGhpcy5uYW1lcy5kYXRhLCB0aGlzLm5vZGVOYW1lT2ZmLmRhdGFbbm9kZV0pO1xuXG4gIHByaXZhdGUgZmlyc3RMaW5lKCk6IHsgZmlsZTogc3RyaW5nOyBsaW5lOiBudW1iZXIgfSB7XG4gICAgcmV0dXJuIHsgZmlsZTogdGhpcy5maWxlLCBsaW5lOiB0aGlzLnJlY0xpbmUubGVuZ3RoID8gdGhpcy5yZWNMaW5lLmRhdGFbMF0gOiAwIH07XG4gIH1cblxuICAvKiogUkZDIDIxODEgc2VjdGlvbiA1OiBhbiBSUnNldCBpcyBhIHNldDsgaWRlbnRpY2FsIHJlY29yZHMgYXJlIG1lcmdlZC4gKi9cbiAgcHJpdmF0ZSBpc0R1cGxpY2F0ZShyOiBudW1iZXIsIG91dDogVWludDhBcnJheSwgZnJvbTogbnVtYmVyLCB0bzogbnVtYmVyKTogYm9vbGVhbiB7XG4gICAgY29uc3Qgc3JjID0gdGhpcy5yZGF0YUluLmRhdGE7XG4gICAgY29uc3Qgb2ZmID0gdGhpcy5yZWNPZmYuZGF0YVtyXTtcbiAgICBjb25zdCBsZW4gPSAyICsgKChzcmNbb2ZmXSA8PCA4KSB8IHNyY1tvZmYgKyAxXSk7XG4gICAgZm9yIChsZXQgcCA9IGZyb207IHAgPCB0bzsgKSB7XG4gICAgICBjb25zdCBsID0gMiArICgob3V0W3BdIDw8IDgpIHwgb3V0W3AgKyAxXSk7XG4gICAgICBpZiAobCA9PT0gbGVuKSB7XG4gICAgICAgIGxldCBzYW1lID0gdHJ1ZTtcbiAgICAgICAgZm9yIChsZXQgaSA9IDI7IGkgPCBsZW47IGkrKykgaWYgKG91dFtwICsgaV0gIT09IHNyY1tvZmYgKyBpXSkgeyBzYW1lID0gZmFsc2U7IGJyZWFrOyB9XG4gICAgICAgIGlmIChzYW1lKSByZXR1cm4gdHJ1ZTtcbiAgICAgIH1cbiAgICAgIHAgKz0gbDtcbiAgICB9XG4gICAgcmV0dXJuIGZhbHNlO1xuICB9XG5cbiAgLyoqIE1hcmtzIHdpbGRjYXJkIGNoaWxkcmVuIGFuZCwgZm9yIGVhY2ggbm9kZSwgdGhlIHRvcG1vc3QgTlMvRE5BTUUgY3V0IGFib3ZlIGl0LiAqL1xuICBwcml2YXRlIGxpbmtUcmVlKG5vZGVzOiBJbnQzMkFycmF5LCBub2RlQ291bnQ6IG51bWJlcik6IHZvaWQge1xuICAgIGNvbnN0IHBhcmVudCA9IHRoaXMubm9kZVBhcmVudC5kYXRhO1xuICAgIGNvbnN0IG5hbWVzID0gdGhpcy5uYW1lcy5kYXRhO1xuICAgIGNvbnN0IGRvbmUgPSBuZXcgVWludDhBcnJheShub2RlQ291bnQpO1xuICAgIGRvbmVbMF0gPSAxO1xuICAgIGNvbnN0IHBhdGg6IG51bWJlcltdID0gW107XG4gICAgZm9yIChsZXQgbiA9IDE7IG4gPCBub2RlQ291bnQ7IG4rKykge1xuICAgICAgY29uc3Qgb2ZmID0gdGhpcy5ub2RlTmFtZU9mZi5kYXRhW25dO1xuICAgICAgaWYgKG5hbWVzW29mZl0gPT09IDEgJiYgbmFtZXNbb2ZmICsgMV0gPT09IDB4MmEpIG5vZGVzW3BhcmVudFtuXSAqIE5PREVfU1RSSURFICsgTl9XSUxEQ0FSRF0gPSBuO1xuICAgICAgbGV0IG0gPSBuO1xuICAgICAgd2hpbGUgKCFkb25lW21dKSB7XG4gICAgICAgIHBhdGgucHVzaChtKTtcbiAgICAgICAgbSA9IHBhcmVudFttXTtcbiAgICAgIH1cbiAgICAgIHdoaWxlIChwYXRoLmxlbmd0aCkge1xuICAgICAgICBjb25zdCBjID0gcGF0aC5wb3AoKSE7XG4gICAgICAgIGNvbnN0IHAgPSBwYXJlbnRbY107XG4gICAgICAgIGNvbnN0IHBmbGFncyA9IG5vZGVzW3AgKiBOT0RFX1NUUklERSArIE5fRkxBR1NdO1xuICAgICAgICAvLyBUaGUgdG9wbW9zdCBjdXQgd2luczogZXZlcnl0aGluZyBiZWxvdyBpdCwgbmVzdGVkIGN1dHMgaW5jbHVkZWQsIGJlbG9uZ3MgdG8gdGhlIGNoaWxkIHpvbmUuXG4gICAgICAgIGNvbnN0IGFib3ZlID0gbm9kZXNbcCAqIE5PREVfU1RSSURFICsgTl9DVVRdO1xuICAgICAgICBub2Rlc1tjICogTk9ERV9TVFJJREUgKyBOX0NVVF0gPSBhYm92ZSA+PSAwID8gYWJvdmUgOiBwZmxhZ3MgJiAoRl9ERUxFR0FUSU9OIHwgRl9ETkFNRSkgPyBwIDogLTE7XG4gICAgICAgIGRvbmVbY10gPSAxO1xuICAgICAgfVxuICAgIH1cbiAgfVxuXG4gIC8qKlxuICAgKiBQcmVjb21wdXRlcywgZm9yIGVhY2ggTlMvTVgvU1JWIHJlY29yZCwgdGhlIG5vZGUgb2YgaXRzIHRhcmdldCBzbyB0aGF0IGFkZGl0aW9uYWwgZGF0YSBuZWVkc1xuICAgKiBubyBsb29rdXAgcGVyIHF1ZXJ5OyBjaGVja3MgZ2x1ZSBmb3IgZGVsZWdhdGlvbnMgb24gdGhlIHdheS5cbiAgICovXG4gIHByaXZhdGUgcmVzb2x2ZVRhcmdldHMoem9uZTogQ29tcGlsZWRab25lLCB0YXJnZXROYW1lczogbnVtYmVyW10pOiB2b2lkIHtcbiAgICBjb25zdCBuYW1lID0gdGhpcy5zY3JhdGNoO1xuICAgIGZvciAobGV0IGkgPSAwOyBpIDwgdGFyZ2V0TmFtZXMubGVuZ3RoOyBpICs9IFRBUkdFVF9UVVBMRSkge1xuICAgICAgY29uc3QgbGVuID0gY29weU5hbWVMb3dlcih6b25lLnJkYXRhLCB0YXJnZXROYW1lc1tpICsgMV0sIG5hbWUsIDApO1xuICAgICAgY29uc3QgaW5ab25lID0gaXNTdWJkb21haW4obmFtZSwgMCwgbGVuLCB0aGlzLmFwZXgsIDAsIHRoaXMuYXBleC5sZW5ndGgpO1xuICAgICAgY29uc3QgdGFyZ2V0ID0gaW5ab25lID8gZmluZE5vZGUoem9uZSwgaGFzaE5hbWVCYWNrd2FyZChuYW1lLCAwLCBsZW4pLCBuYW1lLCAwLCBsZW4pIDogLTE7XG4gICAgICB6b25lLnRhcmdldHNbdGFyZ2V0TmFtZXNbaV1dID0gdGFyZ2V0O1xuICAgICAgY29uc3Qgb3duZXIgPSB0YXJnZXROYW1lc1tpICsgMl07XG4gICAgICBjb25zdCBiYXNlID0gb3duZXIgKiBOT0RFX1NUUklERTtcbiAgICAgIGlmICh0YXJnZXROYW1lc1tpICsgNF0gIT09IFRfTlMgfHwgISh6b25lLm5vZGVzW2Jhc2UgKyBOX0ZMQUdTXSAmIEZfREVMRUdBVElPTikpIGNvbnRpbnVlO1xuICAgICAgaWYgKGlzU3ViZG9tYWluKG5hbWUsIDAsIGxlbiwgem9uZS5uYW1lcywgem9uZS5ub2Rlc1tiYXNlICsgTl9OQU1FX09GRl0sIHpvbmUubm9kZXNbYmFzZSArIE5fTkFNRV9MRU5dKSkge1xuICAgICAgICBjaGVja0dsdWUoem9uZSwgb3duZXIsIHRhcmdldCwgbmFtZVRvU3RyaW5nKG5hbWUpLCB7IGZpbGU6IHRoaXMuZmlsZXNbdGFyZ2V0TmFtZXNbaSArIDVdXSwgbGluZTogdGFyZ2V0TmFtZXNbaSArIDNdIH0sIHRoaXMuZXJyb3JzLCB0aGlzLm5hbWVPZik7XG4gICAgICB9XG4gICAgfVxuICB9XG59XG5cbi8qKiBXaGV0aGVyIGFuIFJSU0lHIGF0IHRoZSBub2RlIGNvdmVycyB0aGUgZ2l2ZW4gdHlwZS4gKi9cbmZ1bmN0aW9uIGhhc1NpZ25hdHVyZU92ZXIoem9uZTogQ29tcGlsZWRab25lLCBub2RlOiBudW1iZXIsIHR5cGU6IG51bWJlcik6IGJvb2xlYW4ge1xuICByZXR1cm4gZmluZFNpZ25hdHVyZXMoem9uZSwgbm9kZSwgdHlwZSkgPj0gMDtcbn1cbiJdfQ==