// The abuse-resistance flags (--rrl-*, --cookie-secret*) turned into the data path's RRL and cookie settings.

import { type CookieSecrets, parseCookieSecret } from './server-cookie.js';
import { DEFAULT_RRL, type RrlSettings, parseExempt } from './rrl.js';
import { MAX_RRL_RATE } from './rrl-table.js';

export interface AbuseFlags {
  rrlRate?: string;
  rrlSlip?: string;
  rrlIpv4Prefix?: string;
  rrlIpv6Prefix?: string;
  rrlExempt?: string[];
  rrlDryRun?: boolean;
  cookieSecret?: string;
  cookieSecretPrevious?: string;
}

export interface AbuseConfig {
  rrl: RrlSettings;
  cookies: CookieSecrets | null;
}

function bounded(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

export function abuseConfig(flags: AbuseFlags, workers: number): AbuseConfig {
  const exempt = flags.rrlExempt ?? [];
  for (const e of exempt) parseExempt(e); // fail at start, not on the first limited response
  if (flags.cookieSecretPrevious !== undefined && flags.cookieSecret === undefined) {
    throw new Error('--cookie-secret-previous needs --cookie-secret (the secret to mint with)');
  }
  return {
    rrl: {
      rate: bounded('rrl-rate', flags.rrlRate, DEFAULT_RRL.rate, 0, MAX_RRL_RATE),
      slip: bounded('rrl-slip', flags.rrlSlip, DEFAULT_RRL.slip, 0, 100),
      ipv4Prefix: bounded('rrl-ipv4-prefix', flags.rrlIpv4Prefix, DEFAULT_RRL.ipv4Prefix, 8, 32),
      ipv6Prefix: bounded('rrl-ipv6-prefix', flags.rrlIpv6Prefix, DEFAULT_RRL.ipv6Prefix, 16, 128),
      exempt,
      dryRun: flags.rrlDryRun ?? false,
      workers,
    },
    cookies: flags.cookieSecret === undefined ? null : {
      current: parseCookieSecret('cookie-secret', flags.cookieSecret),
      previous: flags.cookieSecretPrevious === undefined ? null : parseCookieSecret('cookie-secret-previous', flags.cookieSecretPrevious),
    },
  };
}
