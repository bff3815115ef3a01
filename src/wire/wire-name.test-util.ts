// Test helper: the wire form of a dotted name (no escapes).

export function wire(name: string): Uint8Array {
  const out: number[] = [];
  for (const label of name.split('.').filter(Boolean)) out.push(label.length, ...Buffer.from(label, 'latin1'));
  out.push(0);
  return Uint8Array.from(out);
}
