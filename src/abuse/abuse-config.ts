// The abuse-resistance options (--rrl-*, --cookie-secret*): their parsers for the options table, and the data path's settings.

import { type CookieSecrets, parseCookieSecret } from './server-cookie.js';
import { type RrlSettings, parseExempt } from './rrl.js';

/** The options this module reads, as the serve options table types them. */
export interface AbuseOptions {
  rrlRate: number;
  rrlSlip: number;
  rrlIpv4Prefix: number;
  rrlIpv6Prefix: number;
  rrlExempt: string[];
  rrlDryRun: boolean;
  cookieSecret: Uint8Array | undefined;
  cookieSecretPrevious: Uint8Array | undefined;
}

export interface AbuseConfig {
  rrl: RrlSettings;
  cookies: CookieSecrets | null;
}

/** --rrl-exempt: checked at start, not on the first limited response; kept as text for /status. */
export function exemptPrefix(text: string): string {
  parseExempt(text);
  return text;
}

/** --cookie-secret: 32 hex digits. The message never repeats the value (it is a secret, and may be a typo of one). */
export function cookieSecret(text: string): Uint8Array {
  return parseCookieSecret(text);
}

export function abuseConfig(options: AbuseOptions, workers: number): AbuseConfig {
  if (options.cookieSecretPrevious !== undefined && options.cookieSecret === undefined) {
    throw new Error('--cookie-secret-previous needs --cookie-secret (the secret to mint with)');
  }
  return {
    rrl: {
      rate: options.rrlRate,
      slip: options.rrlSlip,
      ipv4Prefix: options.rrlIpv4Prefix,
      ipv6Prefix: options.rrlIpv6Prefix,
      exempt: options.rrlExempt,
      dryRun: options.rrlDryRun,
      workers,
    },
    cookies: options.cookieSecret === undefined ? null : { current: options.cookieSecret, previous: options.cookieSecretPrevious ?? null },
  };
}
