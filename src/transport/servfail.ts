// A minimal SERVFAIL for a query the handler could not process (RFC 8906: never drop a query silently).

export function servfailFor(query: Uint8Array): Buffer | null {
  if (query.length < 12 || query[2] & 0x80) return null;
  const out = Buffer.alloc(12);
  out[0] = query[0];
  out[1] = query[1];
  out[2] = 0x80 | (query[2] & 0x78); // QR, opcode
  out[3] = 2; // SERVFAIL
  return out;
}
