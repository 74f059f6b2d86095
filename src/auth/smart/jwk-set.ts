import { importJWK, JWK } from 'jose';

import { FieldError } from '../../common/errors/domain-error';

/** The client-assertion algorithms SMART Backend Services requires servers to support. */
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'] as const;

/** A JWK Set as registered for an API client: public signing keys only. */
export interface PublicJwkSet {
  keys: JWK[];
}

const MAX_KEYS = 10;
const MIN_RSA_BYTES = 256;
// RFC 7517/7518: the members that make a JWK private (or symmetric: `k`).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const ALG_OF_KTY: Record<string, (typeof ASSERTION_ALGORITHMS)[number]> = {
  RSA: 'RS384',
  EC: 'ES384',
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with a JWK Set offered for client assertions (empty: nothing). Each key is an RSA
 * or P-384 EC public key with a unique `kid`, usable for RS384/ES384 signatures; a private or
 * symmetric key is refused (a leaked private key is never ours to hold).
 */
export async function jwkSetErrors(jwks: unknown, field = 'jwks'): Promise<FieldError[]> {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) {
    return [{ field, message: `${field} must be a JWK Set: an object with a keys array` }];
  }
  if (jwks.keys.length === 0 || jwks.keys.length > MAX_KEYS) {
    return [{ field: `${field}.keys`, message: `${field}.keys must hold 1 to ${MAX_KEYS} keys` }];
  }
  const errors: FieldError[] = [];
  const kids = new Set<string>();
  for (const [i, key] of jwks.keys.entries()) {
    const at = `${field}.keys[${i}]`;
    const problem = await keyProblem(key);
    if (problem) {
      errors.push({ field: at, message: `${at} ${problem}` });
      continue;
    }
    const kid = (key as JWK).kid as string;
    if (kids.has(kid)) errors.push({ field: at, message: `${at} repeats kid ${kid}` });
    kids.add(kid);
  }
  return errors;
}

async function keyProblem(key: unknown): Promise<string | undefined> {
  if (!isObject(key)) return 'must be a JWK object';
  const secret = PRIVATE_MEMBERS.find((member) => member in key);
  if (secret) return `must be a public key: it holds the private member "${secret}"`;
  const alg = ALG_OF_KTY[String(key.kty)];
  if (!alg) return 'must be an RSA or EC public key (kty RSA or EC)';
  if (typeof key.kid !== 'string' || key.kid.length === 0 || key.kid.length > 200) {
    return 'must have a kid (1 to 200 characters)';
  }
  if (key.alg !== undefined && key.alg !== alg) return `must have alg ${alg} (kty ${key.kty})`;
  if (key.use !== undefined && key.use !== 'sig') return 'must have use sig';
  if (key.kty === 'EC' && key.crv !== 'P-384') return 'must be on curve P-384 (ES384)';
  if (key.kty === 'RSA' && Buffer.from(String(key.n ?? ''), 'base64url').length < MIN_RSA_BYTES) {
    return 'must have a modulus of at least 2048 bits';
  }
  try {
    await importJWK(key as unknown as JWK, alg);
    return undefined;
  } catch {
    return 'is not a valid public key';
  }
}

/**
 * What is wrong with a JWKS URL (empty: nothing): https, or plain http for the hosts
 * JWKS_HTTP_HOSTS names; no credentials, no fragment. Where it may connect is checked when fetched.
 */
export function jwksUrlErrors(
  value: string,
  httpHosts: ReadonlySet<string>,
  field = 'jwksUrl',
): FieldError[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ field, message: `${field} must be an absolute URL` }];
  }
  const plainHttpAllowed = url.protocol === 'http:' && httpHosts.has(url.hostname.toLowerCase());
  if (url.protocol !== 'https:' && !plainHttpAllowed) {
    return [{ field, message: `${field} must be an https URL` }];
  }
  if (url.username || url.password || url.hash) {
    return [{ field, message: `${field} must not carry credentials or a fragment` }];
  }
  return [];
}
