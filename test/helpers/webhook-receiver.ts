import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { Webhook } from 'standardwebhooks';

/** What the receiver saw: every request, and the deliveries it accepted (verified, by webhook-id). */
export interface ReceivedWebhook {
  id: string;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * A local HTTP receiver that verifies signatures with the standardwebhooks package and fails on
 * purpose by path: /ok (verifies, 204), /fail (500), /hang (never answers), /slow (headers, then a
 * body slower than any timeout), /redirect (302 to the cloud metadata address), /hold (verifies
 * and accepts like /ok, but holds the response while `holding` is set: a delivery in flight).
 */
export class WebhookReceiver {
  readonly hits = new Map<string, number>();
  readonly accepted: ReceivedWebhook[] = [];
  readonly rejectedSignatures: string[] = [];
  /** /hold keeps its answer back while set (the sender sees no response). */
  holding = false;
  private readonly secrets: string[] = [];
  private server!: Server;

  /** A secret of a registered endpoint: a delivery signed with any of them verifies. */
  addSecret(secret: string): void {
    this.secrets.push(secret);
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Distinct webhook-ids accepted: what a receiver that deduplicates acts on. */
  uniqueAccepted(): ReceivedWebhook[] {
    return [...new Map(this.accepted.map((a) => [a.id, a])).values()];
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private verify(body: string, headers: Record<string, string>): { type: string } {
    for (const secret of this.secrets) {
      try {
        return new Webhook(secret).verify(body, headers) as { type: string };
      } catch {
        // another endpoint's secret
      }
    }
    throw new Error('no secret verifies this delivery');
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse) {
    const path = req.url ?? '';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const body = await readBody(req);
    switch (path) {
      case '/ok':
      case '/hold':
        try {
          const payload = this.verify(body, headersOf(req));
          this.accepted.push({
            id: String(req.headers['webhook-id']),
            type: payload.type,
            payload: payload as Record<string, unknown>,
          });
          if (path === '/hold' && this.holding) return;
          res.writeHead(204).end();
        } catch {
          this.rejectedSignatures.push(String(req.headers['webhook-id']));
          res.writeHead(400).end();
        }
        return;
      case '/fail':
        res.writeHead(500).end('down');
        return;
      case '/hang':
        return;
      case '/slow':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a');
        return;
      case '/redirect':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      default:
        res.writeHead(404).end();
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  return {
    'webhook-id': String(req.headers['webhook-id']),
    'webhook-timestamp': String(req.headers['webhook-timestamp']),
    'webhook-signature': String(req.headers['webhook-signature']),
  };
}
