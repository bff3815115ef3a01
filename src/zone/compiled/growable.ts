// Append-only typed arrays that double when full: the compiler's scratch storage, one allocation per doubling.

let shared = false;

/** Thread mode: exact-size copies go into SharedArrayBuffers, which every data thread reads without a copy. */
export function allocateShared(on: boolean): void {
  shared = on;
}

/** A zero-filled Int32Array for the final zone: in a SharedArrayBuffer in thread mode, so it is never copied again. */
export function zoneInt32Array(length: number): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length);
}

/** The same for bytes. */
export function zoneUint8Array(length: number): Uint8Array {
  return shared ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length);
}

export class GrowableInt32 {
  data: Int32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Int32Array(initial);
  }
  push(v: number): number {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length] = v;
    return this.length++;
  }
  grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** An exact-size copy, so the final zone holds no slack. */
  toArray(): Int32Array {
    if (!shared) return this.data.slice(0, this.length);
    const out = new Int32Array(new SharedArrayBuffer(this.length * 4));
    out.set(this.data.subarray(0, this.length));
    return out;
  }

  /** Drops the storage: the compiler frees its scratch before making the final copies (lower peak RSS). */
  release(): void {
    this.data = new Int32Array(0);
    this.length = 0;
  }
}

export class GrowableBytes {
  data: Uint8Array;
  length = 0;
  constructor(initial = 65536) {
    this.data = new Uint8Array(initial);
  }
  ensure(extra: number): void {
    const min = this.length + extra;
    if (min <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  append(src: Uint8Array, off = 0, len = src.length - off): number {
    this.ensure(len);
    const at = this.length;
    this.data.set(len === src.length && off === 0 ? src : src.subarray(off, off + len), at);
    this.length += len;
    return at;
  }
  pushU16(v: number): void {
    this.ensure(2);
    this.data[this.length++] = v >>> 8;
    this.data[this.length++] = v & 0xff;
  }
  toArray(): Uint8Array {
    if (!shared) return this.data.slice(0, this.length);
    const out = new Uint8Array(new SharedArrayBuffer(this.length));
    out.set(this.data.subarray(0, this.length));
    return out;
  }

  release(): void {
    this.data = new Uint8Array(0);
    this.length = 0;
  }
}
