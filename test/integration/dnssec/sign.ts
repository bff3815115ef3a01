// Signs test zones with fresh keys on every run: dnssec-signzone (NSEC, NSEC3, NSEC3 opt-out) and ldns-signzone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Signer = 'bind-nsec' | 'bind-nsec3' | 'bind-optout' | 'ldns-nsec3';

export interface SignedZone {
  origin: string; // "nsec.test."
  signer: Signer;
  file: string; // the signed zone file
  /** delv -a file holding the KSK as a static trust anchor. */
  anchorFile: string;
  /** Owner names of the NSEC3 records, to ask for them (RFC 5155 section 7.2.8). */
  nsec3Owners: string[];
}

export const SALT = 'aabbccdd';

const TOOLS = ['dnssec-keygen', 'dnssec-signzone', 'ldns-keygen', 'ldns-signzone', 'delv'];

/** Tools that are not on PATH. */
export function missingTools(): string[] {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin']);
  return TOOLS.filter((t) => !dirs.some((d) => d && existsSync(path.join(d, t))));
}

/** The unsigned zone: every outcome of the answer algorithm, plus names that need canonical ordering. */
export function zoneText(origin: string): string {
  return `$ORIGIN ${origin}
$TTL 3600
@        IN SOA ns1 hostmaster 2026120101 7200 3600 1209600 300
@        NS    ns1
ns1      A     192.0.2.1
www      A     192.0.2.10
www      TXT   "v4 only"
a.b.c    A     192.0.2.11
*.wild   A     192.0.2.20
*.wild   TXT   "wildcard"
*.wc     CNAME www
cname    CNAME www
dn       DNAME wild.${origin}
dangling CNAME nope
UPPER    A     192.0.2.40
a\\.dot   A     192.0.2.41
\\200bin  A     192.0.2.42
Zz       A     192.0.2.43
z0       A     192.0.2.44
-        A     192.0.2.45
secure   NS    ns.secure
secure   DS    12345 13 2 ${'ab'.repeat(32)}
ns.secure A    192.0.2.50
insecure NS    ns.insecure
ns.insecure A  192.0.2.51
out      NS    ns.example.net.
`;
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

function anchorFrom(keyFile: string, origin: string, out: string): void {
  // ldns writes a ";{id = ...}" comment after the key.
  const line = readFileSync(keyFile, 'utf8').split('\n').map((l) => l.replace(/;.*$/, '')).find((l) => /\bDNSKEY\s+257\b/.test(l));
  if (!line) throw new Error(`no KSK in ${keyFile}`);
  const m = /DNSKEY\s+257\s+3\s+(\d+)\s+(.+)$/.exec(line.trim())!;
  writeFileSync(out, `trust-anchors {\n  "${origin}" static-key 257 3 ${m[1]} "${m[2].replace(/[\s()]/g, '')}";\n};\n`);
}

/** Signs `origin` in `dir` (a scratch directory), writing the signed copy to `outFile`. */
export function signZone(dir: string, origin: string, signer: Signer, outFile: string): SignedZone {
  const name = origin.slice(0, -1);
  const unsigned = path.join(dir, `${name}.unsigned`);
  writeFileSync(unsigned, zoneText(origin));
  const anchorFile = path.join(dir, `${name}.anchor`);
  if (signer === 'ldns-nsec3') {
    const ksk = run('ldns-keygen', ['-a', 'ECDSAP256SHA256', '-k', origin], dir).trim();
    const zsk = run('ldns-keygen', ['-a', 'ECDSAP256SHA256', origin], dir).trim();
    run('ldns-signzone', ['-n', '-s', SALT, '-t', '0', '-f', outFile, '-o', origin, unsigned, ksk, zsk], dir);
    anchorFrom(path.join(dir, `${ksk}.key`), origin, anchorFile);
  } else {
    const ksk = run('dnssec-keygen', ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', origin], dir).trim();
    run('dnssec-keygen', ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', origin], dir);
    const nsec3 = signer === 'bind-nsec' ? [] : ['-3', SALT, '-H', '0', ...(signer === 'bind-optout' ? ['-A'] : [])];
    run('dnssec-signzone', ['-q', '-S', '-K', dir, '-o', origin, '-f', outFile, ...nsec3, unsigned], dir);
    anchorFrom(path.join(dir, `${ksk}.key`), origin, anchorFile);
  }
  const nsec3Owners = readFileSync(outFile, 'utf8')
    .split('\n')
    .map((l) => /^(\S+)\s+(?:\d+\s+)?(?:IN\s+)?NSEC3\s/.exec(l)?.[1])
    .filter((o): o is string => !!o);
  return { origin, signer, file: outFile, anchorFile, nsec3Owners };
}

export function listKeys(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.key'));
}
