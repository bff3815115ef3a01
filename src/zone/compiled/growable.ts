// The compiler's storage: scratch arrays that grow and free their old memory at once, and the zone's final arrays.

let shared = false;

/** Thread mode: the final arrays go into SharedArrayBuffers, which every data thread reads without a copy. */
export function allocateShared(on: boolean): void {
  shared = on;
}

/**
 * Gives a scratch array's memory back now instead of at the next GC. A compile makes tens of MB of
 * scratch (the 1.22M-record bench zone: ~100 MiB) and V8 frees an ArrayBuffer only when a full GC
 * finds it dead, so doubled-away and finished-with arrays used to pile up into the compile's peak RSS.
 * Detaching (ArrayBuffer.prototype.transfer, Node >= 21) drops the memory on the spot; on Node 20,
 * and for SharedArrayBuffers, which cannot be detached, GC still frees it.
 */
export function freeNow(array: ArrayBufferView | null | undefined): void {
  const buffer = array?.buffer as (ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }) | undefined;
  if (!array || !buffer || !(buffer instanceof ArrayBuffer) || typeof buffer.transfer !== 'function' || buffer.byteLength === 0) return;
  // Only an array that owns its whole buffer: a small Buffer shares Node's pool with others.
  if (array.byteOffset !== 0 || array.byteLength !== buffer.byteLength) return;
  try {
    buffer.transfer(0);
  } catch {
    // Not detachable (a Buffer from Node's pool, say): GC frees it.
  }
}

/** A zero-filled Int32Array for the final zone: in a SharedArrayBuffer in thread mode, so it is never copied again. */
export function zoneInt32Array(length: number): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length);
}

export function zoneUint8Array(length: number): Uint8Array {
  return shared ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length);
}

/** A scratch array as a final zone array: moved into a SharedArrayBuffer in thread mode (and freed), else itself. */
export function asZoneArray(array: Int32Array): Int32Array {
  if (!shared || array.buffer instanceof SharedArrayBuffer) return array;
  const out = zoneInt32Array(array.length);
  out.set(array);
  freeNow(array);
  return out;
}

/** A scratch array's first `length` elements as a final zone array: a shared copy in thread mode, else fitted. */
function finalCopy<T extends Int32Array | Uint8Array>(data: T, length: number): T {
  if (!shared) return fitted(data, length);
  const out = (data instanceof Int32Array ? zoneInt32Array(length) : zoneUint8Array(length)) as T;
  out.set(data.subarray(0, length));
  freeNow(data);
  return out;
}

/**
 * `a` with room for `extra` more elements at its end, for a zone patched by an IXFR diff. Shared memory with room
 * past the end is reused as it is: the zone being served never reads past its own length. Otherwise a copy, with a
 * sixteenth (at least 16K elements) to spare for later diffs.
 */
export function withRoom<T extends Uint8Array | Int32Array>(a: T, extra: number): T {
  if (extra === 0) return a;
  const need = a.length + extra;
  const View = a.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => T;
  const room = (a.buffer.byteLength - a.byteOffset) / a.BYTES_PER_ELEMENT;
  if (a.buffer instanceof SharedArrayBuffer && room >= need) return new View(a.buffer, a.byteOffset, need);
  const bigger = copyInto((a instanceof Int32Array ? zoneInt32Array : zoneUint8Array)(need + Math.max(need >> 4, 16_384)) as T, a);
  return new View(bigger.buffer, 0, need);
}

/** `into` with `from` copied to its start. */
export function copyInto<T extends Uint8Array | Int32Array>(into: T, from: T): T {
  into.set(from as never);
  return into;
}

/**
 * The first `length` elements of a final array made at an upper bound. Pages never written are never
 * resident (large allocations are fresh mappings: see control/worker-env.ts), so a small unused tail
 * costs address space only and the view is kept; a large one is cut off by an exact copy.
 */
export function fitted<T extends Int32Array | Uint8Array>(array: T, length: number): T {
  if (length === array.length) return array;
  if (length * 16 >= array.length * 15) return array.subarray(0, length) as T;
  const exact = (array instanceof Int32Array ? zoneInt32Array(length) : zoneUint8Array(length)) as T;
  exact.set(array.subarray(0, length));
  freeNow(array);
  return exact;
}

/** A guessed capacity that cannot be had (address-space limits, strict overcommit) starts small and grows instead. */
function guessed<T>(make: (length: number) => T, length: number): T {
  try {
    return make(length);
  } catch {
    return make(1024);
  }
}

/** The scratch storage's capacity after growing to hold `min`: doubling, so appends stay amortised O(1). */
function grownCapacity(current: number, min: number): number {
  let cap = Math.max(current * 2, 1024);
  while (cap < min) cap *= 2;
  return cap;
}

export class GrowableInt32 {
  data: Int32Array;
  length = 0;
  /** `initial`: a good guess saves the copies and the peak of growing (the compiler sizes from the file's line count). */
  constructor(initial = 1024) {
    this.data = guessed((n) => new Int32Array(n), initial);
  }
  push(v: number): number {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length] = v;
    return this.length++;
  }
  grow(min: number): void {
    const next = new Int32Array(grownCapacity(this.data.length, min));
    next.set(this.data.subarray(0, this.length));
    freeNow(this.data);
    this.data = next;
  }
  /** The contents as a final zone array (shared in thread mode); the scratch is freed. */
  toZoneArray(): Int32Array {
    const out = finalCopy(this.data, this.length);
    this.data = new Int32Array(0);
    this.length = 0;
    return out;
  }

  /** Drops the storage now: the compiler frees its scratch before it makes the final arrays (lower peak RSS). */
  release(): void {
    freeNow(this.data);
    this.data = new Int32Array(0);
    this.length = 0;
  }
}

export class GrowableBytes {
  data: Uint8Array;
  length = 0;
  constructor(initial = 65536) {
    this.data = guessed((n) => new Uint8Array(n), initial);
  }
  ensure(extra: number): void {
    const min = this.length + extra;
    if (min <= this.data.length) return;
    const next = new Uint8Array(grownCapacity(this.data.length, min));
    next.set(this.data.subarray(0, this.length));
    freeNow(this.data);
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
  /** The contents as a final zone array (shared in thread mode); the scratch is freed. */
  toZoneArray(): Uint8Array {
    const out = finalCopy(this.data, this.length);
    this.data = new Uint8Array(0);
    this.length = 0;
    return out;
  }

  release(): void {
    freeNow(this.data);
    this.data = new Uint8Array(0);
    this.length = 0;
  }
}
