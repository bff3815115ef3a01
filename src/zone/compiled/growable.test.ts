// Tests for the compiler's storage: growing keeps contents, freeNow gives memory back without touching shared buffers.

import { afterEach, describe, expect, it } from 'vitest';
import { GrowableBytes, GrowableInt32, allocateShared, asZoneArray, fitted, freeNow } from './growable.js';

const canDetach = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

afterEach(() => allocateShared(false));

describe('freeNow', () => {
  it.runIf(canDetach)('detaches an array that owns its buffer', () => {
    const a = new Int32Array(1000);
    freeNow(a);
    expect(a.buffer.byteLength).toBe(0);
  });

  it('leaves a pooled Buffer, a view into a larger buffer and a SharedArrayBuffer alone', () => {
    const pooled = Buffer.from('abc');
    const other = Buffer.from('def');
    freeNow(pooled);
    expect(pooled.toString()).toBe('abc');
    expect(other.toString()).toBe('def');
    const whole = new Uint8Array(64).fill(7);
    freeNow(whole.subarray(8, 16));
    expect(whole[0]).toBe(7);
    const sab = new Int32Array(new SharedArrayBuffer(16));
    freeNow(sab);
    expect(sab.length).toBe(4);
  });
});

describe('growable arrays', () => {
  it('keep their contents across growth from a small guess', () => {
    const ints = new GrowableInt32(4);
    const bytes = new GrowableBytes(4);
    for (let i = 0; i < 10_000; i++) {
      ints.push(i * 3);
      bytes.pushU16(i);
    }
    const out = ints.toZoneArray();
    expect(out.length).toBe(10_000);
    expect(out[9_999]).toBe(29_997);
    const b = bytes.toZoneArray();
    expect(b.length).toBe(20_000);
    expect((b[19_998] << 8) | b[19_999]).toBe(9_999);
  });

  it('give shared arrays in thread mode, plain ones otherwise', () => {
    const plain = new GrowableInt32(8);
    plain.push(1);
    expect(plain.toZoneArray().buffer).toBeInstanceOf(ArrayBuffer);
    allocateShared(true);
    const shared = new GrowableBytes(8);
    shared.append(new Uint8Array([1, 2, 3]));
    const out = shared.toZoneArray();
    expect(out.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...out]).toEqual([1, 2, 3]);
    const moved = asZoneArray(new Int32Array([5, 6]));
    expect(moved.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...moved]).toEqual([5, 6]);
  });
});

describe('fitted', () => {
  it('keeps a view when the unused tail is small and copies exactly when it is large', () => {
    const a = new Int32Array(160).fill(9);
    const near = fitted(a, 155);
    expect(near.length).toBe(155);
    expect(near.buffer).toBe(a.buffer);
    const b = new Int32Array(160).fill(9);
    const far = fitted(b, 10);
    expect(far.length).toBe(10);
    expect(far.buffer.byteLength).toBe(40);
    expect([...far]).toEqual(new Array(10).fill(9));
  });
});

describe('a capacity guess', () => {
  it('that cannot be allocated starts small and still grows', () => {
    const ints = new GrowableInt32(2 ** 40);
    expect(ints.data.length).toBe(1024);
    for (let i = 0; i < 5000; i++) ints.push(i);
    expect(ints.toZoneArray()[4999]).toBe(4999);
    expect(new GrowableBytes(2 ** 42).data.length).toBe(1024);
  });
});
