// DNS numbers used across the code base (RFC 1035, 6891 and the IANA registries).

export const T_A = 1;
export const T_NS = 2;
export const T_CNAME = 5;
export const T_SOA = 6;
export const T_PTR = 12;
export const T_MX = 15;
export const T_TXT = 16;
export const T_AAAA = 28;
export const T_SRV = 33;
export const T_DNAME = 39;
export const T_OPT = 41;
export const T_DS = 43;
export const T_RRSIG = 46;
export const T_NSEC = 47;
export const T_NSEC3 = 50;
export const T_IXFR = 251;
export const T_AXFR = 252;
export const T_MAILB = 253;
export const T_MAILA = 254;
export const T_ANY = 255;
export const T_TKEY = 249;
export const T_TSIG = 250;

export const C_IN = 1;
export const C_CH = 3;
export const C_NONE = 254;
export const C_ANY = 255;

export const OPCODE_QUERY = 0;
export const OPCODE_NOTIFY = 4;
export const OPCODE_UPDATE = 5;

export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_NOTIMP = 4;
export const RCODE_REFUSED = 5;
export const RCODE_NOTAUTH = 9;
export const RCODE_BADVERS = 16;

export const EDNS_NSID = 3;
export const EDNS_COOKIE = 10;
export const EDNS_EDE = 15;
/** RFC 7314: a secondary tells how long its copy of the zone has left. */
export const EDNS_EXPIRE = 9;
/** RFC 8914 section 4.21: Not Authoritative. */
export const EDE_NOT_AUTHORITATIVE = 20;

/** RFC 6891 section 6.2.5: a responder's advertised size; 1232 is the DNS flag day 2020 value. */
export const DEFAULT_EDNS_SIZE = 1232;
export const MIN_UDP_SIZE = 512;
