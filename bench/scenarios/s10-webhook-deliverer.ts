import { createHash, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { Queue } from 'bullmq';

import { newWebhookSecret, sealSecret } from '../../src/modules/webhooks/webhook-secret';
import { bullConnection } from '../../src/queue/redis-connection';
import { BENCH, childEnv, workerFlags } from '../lib/config';
import { ScenarioResult } from '../lib/compare';
import { Child } from '../lib/proc';
import { round, slope } from '../lib/stats';
import { ORG_ID, tableExists, withDb } from '../lib/seed';
import { BenchContext, Scenario } from './context';
import { sealAuditBacklog } from './s5-worker';

const TARGET_PER_SECOND = 500;

/**
 * S10: the webhook deliverer. N pending `client.discharged` deliveries (each with its outbox row,
 * as WebhookEventsService writes them) for clients who consented to the webhook's API client,
 * committed at once while the service's worker runs; timed from the commit until no delivery is
 * pending. The receiver is a node http server in this process answering 200 at once (no
 * signature check: that is the receiver's cost, not the deliverer's). The worker's RSS is sampled
 * every second over the run. The whole real path: relay, BullMQ, consent re-check, signing, HTTP,
 * attempt log, delivered mark and disclosure row.
 */
export const s10WebhookDeliverer: Scenario = {
  name: 'S10 webhook deliverer: deliveries/s to a local receiver',
  target: `>= ${TARGET_PER_SECOND} deliveries/s, flat worker RSS`,
  async unavailable() {
    return withDb(async (db) =>
      (await tableExists(db, 'webhook_delivery')) ? undefined : 'webhook tables missing',
    );
  },
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    // Long enough (about a minute here) that the RSS's second half is past the worker's warm-up.
    const n = ctx.opts.quick ? 100_000 : 250_000;
    const sealed = await sealAuditBacklog();
    const receiver = await Receiver.start();
    const clients = ctx.data.clientsOf.flat();
    const webhookId = await seedWebhook(receiver.url, clients);
    const queue = new Queue('webhooks', {
      connection: bullConnection({ url: BENCH.redisUrl }),
      prefix: BENCH.queuePrefix,
    });
    const worker = await Child.start(
      'service',
      'worker.js',
      childEnv({ WEBHOOK_HTTP_ALLOWED_HOSTS: '127.0.0.1', RECONCILE_INTERVAL_MS: '600000' }),
      workerFlags(),
    );
    const samples: { t: number; rss: number; heap: number; heapTotal: number }[] = [];
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the worker's start-up passes
      const rssStart = worker.rssMb();
      await worker.stats(true);
      const cpu0 = worker.cpuMs();
      await insertDeliveries(webhookId, clients, n);
      const t0 = performance.now();
      let sampling: Promise<void> = Promise.resolve();
      const sample = (): Promise<void> =>
        (sampling = sampling.then(async () => {
          const t = (performance.now() - t0) / 1000;
          const { rssMb, heapUsedMb, heapTotalMb } = await worker.stats();
          samples.push({ t, rss: rssMb, heap: heapUsedMb, heapTotal: heapTotalMb });
        }));
      await sample();
      const timer = setInterval(() => void sample(), 1000);
      try {
        await waitDelivered(webhookId, n);
      } finally {
        clearInterval(timer);
      }
      const seconds = (performance.now() - t0) / 1000;
      await sample();
      const stats = await worker.stats();
      const cpuMsPerDelivery = round((worker.cpuMs() - cpu0) / n, 3);
      const rate = round(n / seconds, 0);
      const rss = samples.map((s) => s.rss);
      const peak = Math.max(...rss);
      const end = rss[rss.length - 1];
      // Flat: over the second half of the run, the least-squares slope projected over 5 minutes
      // stays under 10 % of the mean (the memory scenario's rule).
      const tail = samples.filter((s) => s.t >= seconds / 2);
      const perMin = slope(
        tail.map((s) => s.t / 60),
        tail.map((s) => s.rss),
      );
      const mean = tail.reduce((a, s) => a + s.rss, 0) / Math.max(1, tail.length);
      const flat = perMin * 5 < mean * 0.1;
      const sqlPerDelivery = round(stats.sql.total / n, 2);
      const top = Object.entries(stats.sql.byStatement)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([text, count]) => `${round(count / n, 2)}x ${text}`);
      console.log(
        `    ${n} deliveries in ${round(seconds, 1)} s: ${rate}/s; ${sqlPerDelivery} statements and ${cpuMsPerDelivery} worker cpu ms per delivery; ` +
          `RSS start ${round(rssStart, 0)} MB, peak ${round(peak, 0)} MB, end ${round(end, 0)} MB; ` +
          `receiver got ${receiver.received} (${receiver.unique.size} distinct webhook-ids)`,
      );
      return {
        scenario: this.name,
        ratio: null,
        target: this.target,
        p50Ms: null,
        p99Ms: null,
        rps: rate,
        baselineRps: null,
        cpuMsPerRequest: cpuMsPerDelivery,
        sqlPerRequest: sqlPerDelivery,
        eventLoopP99Ms: round(stats.eventLoop.p99Ms, 1),
        pass: rate >= TARGET_PER_SECOND && flat && receiver.unique.size === n,
        measured: true,
        notes: [
          `${n} pending deliveries committed at once (one webhook, ${clients.length} consented clients); rps = deliveries/s from the commit until none is pending`,
          `receiver: ${receiver.received} requests, ${receiver.unique.size} distinct webhook-ids`,
          `worker RSS start ${round(rssStart, 1)} MB, peak ${round(peak, 1)} MB, end ${round(end, 1)} MB, slope over the second half ${round(perMin, 2)} MB/min (${flat ? 'flat' : 'NOT flat'})`,
          `RSS samples (MB every s): ${rss.map((r) => round(r, 0)).join(' ')}`,
          `V8 heap used (MB every s): ${samples.map((s) => round(s.heap, 0)).join(' ')}`,
          `V8 heap reserved (MB every s): ${samples.map((s) => round(s.heapTotal, 0)).join(' ')}`,
          `SQL per delivery: ${top.join(' | ')}`,
          sealed,
        ],
      };
    } finally {
      await worker.stop();
      await queue.obliterate({ force: true });
      await queue.close();
      await receiver.stop();
      await withDb(async (db) => {
        await db.query(`UPDATE webhook SET active = false WHERE id = $1`, [webhookId]);
        await db.query(
          `DELETE FROM outbox WHERE dispatched_at IS NULL AND job_name = 'webhook.deliver'`,
        );
      });
    }
  },
};

/** A local receiver answering 200 as soon as the body is read; counts requests and webhook-ids. */
class Receiver {
  received = 0;
  readonly unique = new Set<string>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer({ keepAliveTimeout: 60_000 });
    const receiver = new Receiver(server);
    server.on('request', (req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        receiver.received += 1;
        receiver.unique.add(String(req.headers['webhook-id']));
        res.writeHead(200, { 'content-length': '0' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** An API client, a consent naming it for every client, and the webhook delivering for it. */
async function seedWebhook(url: string, clients: string[]): Promise<string> {
  return withDb(async (db) => {
    const {
      rows: [apiClient],
    } = await db.query(
      `INSERT INTO api_client (organization_id, name, client_id, secret_hash, scopes)
       VALUES ($1, 'Bench webhook EHR', $2, $3, $4) RETURNING id`,
      [
        ORG_ID,
        `rb_bench_${randomBytes(6).toString('hex')}`,
        createHash('sha256').update(randomBytes(32)).digest(),
        ['system/Patient.read'],
      ],
    );
    await db.query(
      `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories,
         effective_at, expires_at, signed_at, signature_method)
       SELECT $1, c, $2, ARRAY['treatment'], ARRAY['follow-ups'], now() - interval '1 day',
         now() + interval '1 year', now() - interval '1 day', 'written'
       FROM unnest($3::uuid[]) AS c`,
      [ORG_ID, apiClient.id, clients],
    );
    // Sealed as the service seals it: under the bench's JWT secret, bound to the webhook's id.
    const id = randomUUID();
    const key = createSecretKey(Buffer.from(BENCH.jwtSecret, 'base64'));
    await db.query(
      `INSERT INTO webhook (id, organization_id, url, events, api_client_id, secret_sealed)
       VALUES ($1, $2, $3, ARRAY['client.discharged'], $4, $5)`,
      [id, ORG_ID, url, apiClient.id, sealSecret(key, id, newWebhookSecret())],
    );
    return id;
  });
}

/** N pending deliveries and their outbox rows, in one statement (as the EMIT of an event writes them). */
async function insertDeliveries(webhookId: string, clients: string[], n: number): Promise<void> {
  await withDb((db) =>
    db.query(
      `WITH d AS (
         INSERT INTO webhook_delivery (organization_id, webhook_id, event_type, client_id, resource_type, resource_id, payload)
         SELECT $1, $2, 'client.discharged', c.id, 'Discharge', r,
           jsonb_build_object('type', 'client.discharged',
             'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'data', jsonb_build_object('clientId', c.id, 'dischargeId', r, 'levelOfCare', 'withdrawal_management',
               'dischargedAt', now(), 'planned', true, 'source', 'staff'))
         FROM generate_series(0, $4 - 1) AS i
         CROSS JOIN LATERAL (SELECT ($3::uuid[])[1 + i % cardinality($3::uuid[])] AS id) c
         CROSS JOIN LATERAL (SELECT gen_random_uuid() AS r) x
         RETURNING id, organization_id)
       INSERT INTO outbox (queue, job_name, job_id, payload, run_at)
       SELECT 'webhooks', 'webhook.deliver', 'webhook.' || d.id || '.0',
         jsonb_build_object('organizationId', d.organization_id, 'deliveryId', d.id, 'correlationId', null),
         now()
       FROM d`,
      [ORG_ID, webhookId, clients, n],
    ),
  );
}

async function waitDelivered(webhookId: string, n: number): Promise<void> {
  const deadline = performance.now() + 600_000;
  await withDb(async (db) => {
    for (;;) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM webhook_delivery WHERE webhook_id = $1 AND status = 'pending'`,
        [webhookId],
      );
      if (rows[0].n === 0) break;
      if (performance.now() > deadline)
        throw new Error(`${rows[0].n}/${n} deliveries still pending after 600 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { rows } = await db.query(
      `SELECT status, count(*)::int AS n FROM webhook_delivery WHERE webhook_id = $1 GROUP BY status`,
      [webhookId],
    );
    const delivered = rows.find((r: { status: string }) => r.status === 'delivered')?.n ?? 0;
    if (delivered !== n)
      throw new Error(`only ${delivered}/${n} delivered: ${JSON.stringify(rows)}`);
  });
}
