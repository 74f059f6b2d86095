import { isIP } from 'node:net';

import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

/**
 * What Fastify's `trustProxy` option gets: a hop count or a list of proxy addresses and CIDRs,
 * never `true` (which believes the left-most X-Forwarded-For entry, one the client chooses).
 */
export type TrustProxy = false | number | string[];

const MAX_HOPS = 10;
// proxy-addr's named ranges: 127.0.0.1/8 and ::1; 169.254.0.0/16 and fe80::/10; private ranges.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: `false` (or `0`); a number of trusted hops in front of the API (`true` is kept for
 * old deployments and means 1 hop: the load balancer's own entry is believed, nothing left of it);
 * or proxy addresses/CIDRs, comma separated. `undefined` when the value means none of these.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const setting = value.trim();
  if (setting === 'false' || setting === '0') return false;
  if (setting === 'true') return 1;
  if (/^\d+$/.test(setting)) return Number(setting) <= MAX_HOPS ? Number(setting) : undefined;
  const entries = setting.split(',').map((entry) => entry.trim());
  return entries.every(isProxyEntry) ? entries : undefined;
}

function isProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || address.includes('%') || rest.length > 0) return false;
  if (prefix === undefined) return true;
  // A /0 would trust every address: the hole this setting exists to close.
  return (
    /^\d{1,3}$/.test(prefix) && Number(prefix) > 0 && Number(prefix) <= (family === 4 ? 32 : 128)
  );
}

@ValidatorConstraint({ name: 'trustProxy' })
export class TrustProxySetting implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseTrustProxy(value) !== undefined;
  }

  defaultMessage(): string {
    return (
      `must be false, a hop count (0-${MAX_HOPS}; true means 1) or a comma-separated list of ` +
      'proxy addresses/CIDRs (e.g. 10.0.0.0/8,192.168.0.0/16)'
    );
  }
}
