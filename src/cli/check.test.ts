// Tests for the signature-expiry warning of `anycastd check`.

import { describe, expect, it } from 'vitest';
import { expiryWarning } from './check.js';
import type { ZoneMeta } from '../zone/compiled/compiled.js';

const meta = (expiry: number): ZoneMeta => ({
  origin: 'example.test.', serial: 1, records: 3, file: 'z', loadedAt: 0,
  signatureExpiry: expiry, signatureExpiryWhere: 'z:7', signatureExpiryRecord: 'www.example.test. RRSIG(A)',
});
const NOW = Date.UTC(2026, 11, 1) / 1000;

describe('expiryWarning', () => {
  it('is silent for unsigned zones and far expiries', () => {
    expect(expiryWarning(meta(0), NOW)).toBeNull();
    expect(expiryWarning(meta(NOW + 30 * 86400), NOW)).toBeNull();
  });
  it('warns within 7 days and when expired, naming the record', () => {
    expect(expiryWarning(meta(NOW + 6 * 86400), NOW)).toMatch(/www\.example\.test\. RRSIG\(A\) expires at 2026-12-07T00:00:00Z, within 7 days/);
    expect(expiryWarning(meta(NOW - 1), NOW)).toMatch(/expired at 2026-11-30T23:59:59Z/);
  });
});
