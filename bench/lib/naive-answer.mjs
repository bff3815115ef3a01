// The answer logic the baseline servers share: a Map lookup with referrals, CNAME, NODATA and NXDOMAIN, no compiling.
// Returns { rcode, answers, authorities, additionals } with records in the zoneMap()'s shape.

const EMPTY = [];

export function naiveAnswer(zone, qname, qtype) {
  const name = qname.toLowerCase();
  if (name !== zone.origin && !name.endsWith(`.${zone.origin}`)) return { rcode: 'REFUSED', aa: false, answers: EMPTY, authorities: EMPTY, additionals: EMPTY };
  const node = zone.names.get(name);
  if (!node) return { rcode: 'NXDOMAIN', aa: true, answers: EMPTY, authorities: [zone.soa], additionals: EMPTY };
  const ns = node.get('NS');
  if (ns && name !== zone.origin) {
    const glue = [];
    for (const r of ns) {
      const target = zone.names.get(r.data);
      if (target) glue.push(...(target.get('A') ?? EMPTY), ...(target.get('AAAA') ?? EMPTY));
    }
    return { rcode: 'NOERROR', aa: false, answers: EMPTY, authorities: ns, additionals: glue };
  }
  const set = node.get(qtype);
  if (set) return { rcode: 'NOERROR', aa: true, answers: set, authorities: EMPTY, additionals: EMPTY };
  const cname = node.get('CNAME');
  if (cname) {
    const target = zone.names.get(cname[0].data)?.get(qtype) ?? EMPTY;
    return { rcode: 'NOERROR', aa: true, answers: [...cname, ...target], authorities: EMPTY, additionals: EMPTY };
  }
  return { rcode: 'NOERROR', aa: true, answers: EMPTY, authorities: [zone.soa], additionals: EMPTY };
}
