// Canonical DNS name order (RFC 4034 section 6.1): labels compared right to left as lower-case octet strings.

/** Fills `out` with the label offsets of the wire name at buf[off..]; returns the label count (root excluded). */
export function labelOffsets(buf: Uint8Array, off: number, out: Int32Array): number {
  let n = 0;
  for (let i = off; buf[i] !== 0; i += buf[i] + 1) out[n++] = i;
  return n;
}

/** Compares two single labels (length octet first) as unsigned octet strings, the shorter first on a tie. */
export function compareLabels(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): number {
  const al = a[aOff];
  const bl = b[bOff];
  const n = al < bl ? al : bl;
  for (let i = 1; i <= n; i++) {
    const d = a[aOff + i] - b[bOff + i];
    if (d !== 0) return d;
  }
  return al - bl;
}

/**
 * Canonical comparison of two lower-case names given by their label offsets (as labelOffsets fills
 * them): negative when a sorts before b, 0 when equal.
 */
export function compareCanonical(a: Uint8Array, aLabels: Int32Array, aCount: number, b: Uint8Array, bLabels: Int32Array, bCount: number): number {
  let i = aCount - 1;
  let j = bCount - 1;
  for (; i >= 0 && j >= 0; i--, j--) {
    const d = compareLabels(a, aLabels[i], b, bLabels[j]);
    if (d !== 0) return d;
  }
  return i - j;
}
