import { createDecipheriv } from 'node:crypto';

import {
  deriveIdempotencyKey,
  RESPONSE_KEY_INFO,
} from '../../src/modules/idempotency/idempotency.interceptor';

/**
 * The plaintext of a stored Idempotency-Key response (sealed with AES-256-GCM under the key the
 * test server derives from JWT_SECRET), for tests that check what the store keeps.
 */
export function openStoredResponse(row: {
  principal_id: string;
  key: string;
  response_sealed: Buffer;
}): string {
  const key = deriveIdempotencyKey(
    Buffer.from(process.env.JWT_SECRET!, 'base64'),
    RESPONSE_KEY_INFO,
  );
  const sealed = row.response_sealed;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(`${row.principal_id}\n${row.key}`));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
}
