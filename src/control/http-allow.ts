// --http-allow: which client addresses may connect to the HTTP port (IPv4/IPv6 prefixes; none given = everyone).

import net from 'node:net';

export interface AllowPrefix {
  address: string;
  length: number;
  family: 'ipv4' | 'ipv6';
}

/** "10.0.0.0/8", "2001:db8::/32", or a bare address (one host). Throws with the offending text (the caller names the flag). */
export function parseAllowPrefix(text: string): AllowPrefix {
  const [address, lengthText, extra] = text.trim().split('/');
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) && !address.includes('%') ? 'ipv6' : null;
  if (!family || extra !== undefined) throw new Error(`expects an IPv4 or IPv6 prefix such as 10.0.0.0/8 or 2001:db8::/32, got "${text}"`);
  const max = family === 'ipv4' ? 32 : 128;
  const length = lengthText === undefined ? max : Number(lengthText);
  if (!/^\d{1,3}$/.test(lengthText ?? String(max)) || length > max) throw new Error(`prefix length of "${text}" must be 0..${max}`);
  return { address, length, family };
}

/** A test for remote addresses; null when no list was given (no filtering). */
export function allowChecker(prefixes: AllowPrefix[]): ((remote: string | undefined) => boolean) | null {
  if (prefixes.length === 0) return null;
  const list = new net.BlockList();
  for (const p of prefixes) list.addSubnet(p.address, p.length, p.family);
  return (remote) => {
    if (!remote) return false;
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; the operator wrote a.b.c.d/len.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
    if (mapped) return list.check(mapped[1], 'ipv4') || list.check(remote, 'ipv6');
    return list.check(remote, net.isIPv6(remote) ? 'ipv6' : 'ipv4');
  };
}
