import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Queue } from 'bullmq';
import request from 'supertest';

import { JobName, QueueName } from '../../src/queue/jobs';
import { bullConnection } from '../../src/queue/redis-connection';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { apiClientWithToken, TestApiClient } from '../helpers/api-client-token';
import { eventually } from '../helpers/eventually';
import { bearer } from '../helpers/http';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { TEST_ENV } from '../setup/test-env';

// Short BullMQ locks so that the killed worker's job is taken up again within seconds; a webhook
// timeout far longer than the test, so that the first delivery is surely still in flight (no
// answer, no timeout) when its worker dies.
const WORKER_ENV = {
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  WEBHOOK_TIMEOUT_MS: '60000',
  WORKER_HEARTBEAT_INTERVAL_MS: '200',
};

/**
 * A real worker process SIGKILLed while its webhook request is in flight (the receiver accepted
 * the delivery and holds its answer), then a second worker process: the event reaches the receiver
 * once more at most, under the same `webhook-id`, and its delivery ends `delivered`.
 */
describe('webhook delivery when the worker is killed mid-delivery (integration)', () => {
  let t: TestApp;
  let org: TestOrg;
  let ehr: TestApiClient;
  let webhooks: Queue;
  const receiver = new WebhookReceiver();
  const children: ChildProcess[] = [];
  const http = () => request(t.app.getHttpServer());
  const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    t.dataSource.query(sql, params);

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp();
    org = await createTestOrg(t.app);
    ehr = await apiClientWithToken(t.app, org, ['system/Patient.read']);
    webhooks = new Queue(QueueName.Webhooks, {
      connection: bullConnection({ url: TEST_ENV.REDIS_URL }),
      prefix: TEST_ENV.QUEUE_PREFIX,
    }).on('error', () => undefined);
  });

  afterAll(async () => {
    for (const child of children) await kill(child);
    await webhooks?.close();
    await t?.close();
    await receiver.stop();
  });

  it('should deliver the event once more at most, with the same webhook-id, and end delivered', async () => {
    const hook = await http()
      .post('/api/v1/webhooks')
      .auth(org.admin.token, bearer)
      .send({ url: receiver.url('/hold'), events: ['client.discharged'], apiClientId: ehr.id })
      .expect(201);
    receiver.addSecret(hook.body.secret);
    const clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const consent = await http()
      .post(`/api/v1/clients/${clientId}/consents`)
      .auth(org.peerA1.token, bearer)
      .send({
        recipientId: ehr.id,
        purposes: ['treatment'],
        categories: ['follow-ups'],
        expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        signedAt: new Date().toISOString(),
        signatureMethod: 'electronic',
      })
      .expect(201);

    receiver.holding = true;
    const first = await startWorkerProcess(children, 'first');
    const discharge = await http()
      .post(`/api/v1/clients/${clientId}/discharges`)
      .auth(org.peerA1.token, bearer)
      .send(dischargeBody())
      .expect(201);
    const [delivery] = await query<{ id: string }>(
      `SELECT id FROM webhook_delivery WHERE webhook_id = $1`,
      [hook.body.id],
    );
    const jobId = `webhook.${delivery.id}.0`;

    // The receiver verified and accepted the delivery; its answer is held: the request is in flight.
    const received = await eventually(
      async () => {
        const got = receiver.accepted.filter((a) => a.id === delivery.id);
        return got.length > 0 ? got : undefined;
      },
      30_000,
      'the first delivery reached the receiver',
    );
    expect(received).toHaveLength(1);
    expect(await webhooks.getJobState(jobId)).toBe('active');
    await kill(first);
    const [mid] = await query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM webhook_delivery WHERE id = $1`,
      [delivery.id],
    );
    expect(mid).toEqual({ status: 'pending', attempts: 0 });

    receiver.holding = false;
    await startWorkerProcess(children, 'second');
    await eventually(
      async () => ((await webhooks.getJobState(jobId)) === 'completed' ? true : undefined),
      30_000,
      'the killed worker’s job run again by the second worker',
    );
    expect((await webhooks.getJob(jobId))?.returnvalue).toBe('delivered');
    const [row] = await query<{ status: string; attempts: number; delivered_at: Date | null }>(
      `SELECT status, attempts, delivered_at FROM webhook_delivery WHERE id = $1`,
      [delivery.id],
    );
    expect(row).toEqual({ status: 'delivered', attempts: 1, delivered_at: expect.any(Date) });
    // Only the attempt that got its answer is logged: the killed one left no row.
    const attempts = await query(
      `SELECT status_code, error FROM webhook_attempt WHERE delivery_id = $1`,
      [delivery.id],
    );
    expect(attempts).toEqual([{ status_code: 204, error: null }]);

    // Nothing more arrives afterwards (several stalled-check intervals later).
    await new Promise((r) => setTimeout(r, 3000));
    const sent = receiver.accepted.filter((a) => a.id === delivery.id);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(sent.map((a) => a.type)).toEqual(sent.map(() => 'client.discharged'));
    expect(new Set(sent.map((a) => JSON.stringify(a.payload))).size).toBe(1);
    expect(sent[0].payload.data).toMatchObject({ clientId, dischargeId: discharge.body.id });
    // The receiver deduplicating by webhook-id acts on it once.
    expect(receiver.uniqueAccepted().filter((a) => a.id === delivery.id)).toHaveLength(1);
    expect(receiver.rejectedSignatures).toEqual([]);
    // Nothing lost or left behind: one disclosure row, no outbox row waiting, no other delivery.
    const disclosures = await query(
      `SELECT recipient_id, consent_id, resources FROM disclosure WHERE client_id = $1`,
      [clientId],
    );
    expect(disclosures).toEqual([
      {
        recipient_id: ehr.id,
        consent_id: consent.body.id,
        resources: [{ type: 'Discharge', id: discharge.body.id }],
      },
    ]);
    const [{ n: waiting }] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL AND job_name = $1`,
      [JobName.WebhookDeliver],
    );
    expect(waiting).toBe(0);
    const all = await query(`SELECT id FROM webhook_delivery WHERE webhook_id = $1`, [
      hook.body.id,
    ]);
    expect(all).toEqual([{ id: delivery.id }]);
  }, 120_000);
});

/** A worker process (src/worker.ts under ts-node), once its heartbeat says it runs. */
async function startWorkerProcess(children: ChildProcess[], name: string): Promise<ChildProcess> {
  const root = join(__dirname, '..', '..');
  const heartbeat = join(tmpdir(), `rb-webhook-kill-${process.pid}-${name}-${Date.now()}`);
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'worker.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        TS_NODE_PROJECT: join(root, 'tsconfig.json'),
        ...WORKER_ENV,
        WORKER_HEARTBEAT_FILE: heartbeat,
      },
      stdio: 'ignore',
    },
  );
  children.push(child);
  await eventually(
    async () => (existsSync(heartbeat) ? true : undefined),
    60_000,
    `${name} worker process up`,
  );
  // A SIGKILLed worker cannot remove its own heartbeat file.
  child.once('exit', () => rmSync(heartbeat, { force: true }));
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
