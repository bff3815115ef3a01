// Justified differences between anycastd and Knot DNS. Anything not listed here fails the differential test.
//
// Each entry must say what differs and cite the RFC text that allows (or requires) anycastd's behaviour.
// Only the engine author adds entries, and never merely to make the suite pass.

export interface KnownDifference {
  /** Matched against the case name (see cases.ts for the naming scheme). */
  casePattern: RegExp;
  /** Matched against the differing field: rcode, opcode, flags.<f>, question, answer, authority, additional,
   *  opt.present, opt.version, opt.do, opt.nsid, opt.options, silence, id, parse, transport. */
  fieldPattern: RegExp;
  /** What differs, in one sentence. */
  what: string;
  /** The RFC (section) that justifies anycastd's answer. */
  rfc: string;
}

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    // Names whose CNAME or DNAME target lies in another zone this server is authoritative for.
    casePattern: /^(cname\/(cother|cchild|cdname)\.diff\.test\. |dname\/(www|nope|a\.b)\.dname\.diff\.test\. |names\/UPPER dname\/|other-zone\/back\.other\.test\. |child-zone\/back\.child\.diff\.test\. )/,
    fieldPattern: /^(answer|authority|additional|rcode)$/,
    what: 'anycastd follows a CNAME (or DNAME-synthesized CNAME) into another zone it serves and answers from there (with that zone\'s NXDOMAIN/NODATA); Knot stops at the zone boundary and returns only the chain.',
    rfc: 'RFC 1034 section 4.3.2 step 3a ("go back to step 1", where step 2 searches all available zones); RFC 6672 section 3.2; RFC 6604 section 2 (the RCODE reflects the last name in the chain)',
  },
  {
    casePattern: /^(flags\/.*cd|opcode\/(NOTIFY|UPDATE) )/,
    fieldPattern: /^flags\.cd$/,
    what: 'anycastd copies CD from the query into the response; Knot always clears it.',
    rfc: 'RFC 4035 section 3.1.6: a security-aware name server MUST copy the CD bit from a query into the corresponding response',
  },
  {
    casePattern: /^opcode\/(DSO|IQUERY|OPCODE15|OPCODE3|STATUS) /,
    fieldPattern: /^flags\.rd$/,
    what: 'NOTIMP for an unknown opcode: anycastd echoes the opcode with no other flags; Knot echoes RD.',
    rfc: 'RFC 8906 section 3.1.4 (unknown opcode: NOTIMP without stray flags)',
  },
  {
    casePattern: /^header\/(compression-pointer-in-question|header-only-qdcount1|label-type-0x40|name-over-255|pointer-loop-in-question|qdcount2|qdcount2-second-missing|question-cut-in-(class|type|name))\//,
    fieldPattern: /^silence$/,
    what: 'a malformed query with a full header gets FORMERR from anycastd; Knot drops it silently.',
    rfc: 'RFC 8906 section 3 (a query must not be dropped silently) and RFC 1035 section 4.1.1 (FORMERR: unable to interpret the query)',
  },
  {
    casePattern: /^(large\/manymx\.diff\.test\. MX\/udp-edns(1232|4096)|edns\/udpsize-\d+ manymx MX|truncation\/manymx\.diff\.test\. MX 1232 do nsid)/,
    fieldPattern: /^additional$/,
    what: 'near the UDP size limit anycastd packs one more optional address record into the additional section (its compression of that message is 12 octets tighter); neither sets TC.',
    rfc: 'RFC 2181 section 9 (additional data that does not fit is omitted without TC); RFC 1035 section 4.1.4 (compression is the responder\'s choice)',
  },
];

/** The entry that excuses a difference, if any. */
export function excuse(caseName: string, field: string, list: KnownDifference[] = KNOWN_DIFFERENCES): KnownDifference | undefined {
  return list.find((k) => k.casePattern.test(caseName) && k.fieldPattern.test(field));
}
