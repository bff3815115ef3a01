// Small byte copies without allocating: subarray() makes a new view object per call, which showed as
// 6% of the query path's profile (bench: micro handle() loop); short copies are done by hand instead.

const LOOP_MAX = 64;

export function copyBytes(dst: Uint8Array, dstOff: number, src: Uint8Array, from: number, to: number): void {
  const len = to - from;
  if (len <= LOOP_MAX) {
    for (let i = 0; i < len; i++) dst[dstOff + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, to), dstOff);
  }
}
