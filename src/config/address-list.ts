import ipaddr from 'ipaddr.js';
import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

/** A comma-separated list of IP addresses and CIDRs, or undefined when an entry is neither. */
export function parseAddressList(value: string): string[] | undefined {
  const entries = value.split(',').map((entry) => entry.trim());
  return entries.every(isAddressOrCidr) ? entries : undefined;
}

function isAddressOrCidr(entry: string): boolean {
  if (!entry.includes('/')) return ipaddr.isValid(entry);
  try {
    const [, prefix] = ipaddr.parseCIDR(entry);
    // A /0 would allow every address: the hole this setting exists to keep narrow.
    return prefix > 0;
  } catch {
    return false;
  }
}

@ValidatorConstraint({ name: 'addressList' })
export class AddressListSetting implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseAddressList(value) !== undefined;
  }

  defaultMessage(): string {
    return 'must be comma-separated IP addresses or CIDRs (e.g. 10.20.0.0/16,127.0.0.1)';
  }
}
