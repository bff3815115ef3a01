// What a data path says about each zone it serves: the part of a worker report the control plane reads (status, metrics, checks).

export interface ZoneFileStatus {
  file: string;
  origin: string | null;
  serial: number | null;
  records: number;
  loadedAt: number | null;
  hash: string | null;
  lastError: string | null;
  lastErrorAt: number | null;
  lastSuccessAt: number | null;
  /** When a deleted file's zone will be dropped, or null. */
  removeAt: number | null;
  /** Earliest RRSIG expiration being served (seconds since 1970), null for an unsigned zone. */
  signatureExpiry: number | null;
  /** Set for zones from --xfr-dir (transferred from a primary). */
  source?: 'secondary';
  /** A secondary zone past its SOA EXPIRE: answered SERVFAIL. */
  expired?: boolean;
}
