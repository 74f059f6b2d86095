import { createCipheriv, createDecipheriv, hkdfSync, KeyObject, randomBytes } from 'node:crypto';

import { Webhook } from 'standardwebhooks';

const INFO = 'recovery-bridge/webhook-secret/v1';

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

// The secret must be readable to sign with (unlike an API client's, which is only compared), so it
// is sealed with AES-256-GCM under a key derived from the server secret, bound to its webhook id.
function keyOf(serverKey: KeyObject): Buffer {
  return Buffer.from(hkdfSync('sha256', serverKey.export(), Buffer.alloc(0), INFO, 32));
}

export function sealSecret(serverKey: KeyObject, webhookId: string, secret: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(serverKey), iv);
  cipher.setAAD(Buffer.from(webhookId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openSecret(serverKey: KeyObject, webhookId: string, sealed: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', keyOf(serverKey), sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(webhookId));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
}

/**
 * Standard Webhooks signers by webhook, each secret opened once per sealed value (a rotation
 * seals a new one, which is opened again): the deliverer signs without an HKDF and an AES-GCM
 * open per delivery. Bounded: emptied when it holds `max` webhooks.
 */
export class WebhookSigners {
  private readonly cache = new Map<string, { sealed: Buffer; signer: Webhook }>();

  constructor(
    private readonly serverKey: KeyObject,
    private readonly max = 1000,
  ) {}

  of(webhookId: string, sealed: Buffer): Webhook {
    const hit = this.cache.get(webhookId);
    if (hit?.sealed.equals(sealed)) return hit.signer;
    if (this.cache.size >= this.max) this.cache.clear();
    const signer = new Webhook(openSecret(this.serverKey, webhookId, sealed));
    this.cache.set(webhookId, { sealed, signer });
    return signer;
  }
}
