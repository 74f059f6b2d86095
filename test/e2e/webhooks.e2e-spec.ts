import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';

import { postWebhook } from '../../src/modules/webhooks/webhook-http';
import { WebhookDeliveryService } from '../../src/modules/webhooks/webhook-delivery.service';
import { createWorker } from '../../src/worker';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { apiClientWithToken, TestApiClient } from '../helpers/api-client-token';
import { countAuditEvents } from '../helpers/audit';
import { eventually } from '../helpers/eventually';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('webhooks (e2e, with the worker)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let sut: WebhookDeliveryService;
  let org: TestOrg;
  let other: TestOrg;
  let ehr: TestApiClient;
  const receiver = new WebhookReceiver();
  const http = () => request(t.app.getHttpServer());
  const delivery = async (id: string) =>
    (await t.dataSource.query(`SELECT * FROM webhook_delivery WHERE id = $1`, [id]))[0];
  const deliveriesOf = (webhookId: string) =>
    t.dataSource.query(`SELECT * FROM webhook_delivery WHERE webhook_id = $1 ORDER BY created_at`, [
      webhookId,
    ]);
  const register = async (path: string, events = ['client.discharged'], apiClientId = ehr.id) => {
    const res = await http()
      .post('/api/v1/webhooks')
      .auth(org.admin.token, bearer)
      .send({ url: receiver.url(path), events, apiClientId })
      .expect(201);
    receiver.addSecret(res.body.secret);
    return res.body as { id: string; secret: string; version: number };
  };
  const consentedClient = async () => {
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
        categories: ['follow-ups', 'assessments'],
        expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        signedAt: new Date().toISOString(),
        signatureMethod: 'electronic',
      })
      .expect(201);
    return { clientId, consentId: consent.body.id as string };
  };
  const discharge = (clientId: string) =>
    http()
      .post(`/api/v1/clients/${clientId}/discharges`)
      .auth(org.peerA1.token, bearer)
      .send(dischargeBody())
      .expect(201);
  // Retries are scheduled 15 s or more ahead: a test runs the next attempt itself.
  const runAgain = (deliveryId: string) => sut.deliver({ organizationId: org.id, deliveryId });

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp();
    worker = await createWorker();
    sut = worker.get(WebhookDeliveryService);
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    ehr = await apiClientWithToken(t.app, org, ['system/Patient.read']);
  });
  // Each test's endpoints stop receiving once it ends: the next test's events are its own.
  afterEach(async () => {
    await t.dataSource.query(`UPDATE webhook SET active = false WHERE organization_id = $1`, [
      org.id,
    ]);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await receiver.stop();
  });

  describe('admin CRUD', () => {
    it('should answer 401, 403 for a supervisor or an API client, and 400 with the exact errors', async () => {
      await http().post('/api/v1/webhooks').send({}).expect(401);
      for (const token of [org.supervisorA.token, ehr.token]) {
        const res = await http().get('/api/v1/webhooks').auth(token, bearer).expect(403);
        expect(res.body).toEqual(
          problem(403, 'FORBIDDEN', 'Your role may not perform this action.'),
        );
      }
      const bad = await http()
        .post('/api/v1/webhooks')
        .auth(org.admin.token, bearer)
        .send({ url: 'http://example.com/hook', events: ['client.deleted'] })
        .expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'events',
            message:
              'each value in events must be one of the following values: client.discharged, follow-up.completed, follow-up.overdue, follow-up.escalated, consent.revoked, assessment.recorded',
          },
        ]),
      );
      const http80 = await http()
        .post('/api/v1/webhooks')
        .auth(org.admin.token, bearer)
        .send({ url: 'http://example.com/hook', events: ['client.discharged'] })
        .expect(400);
      expect(http80.body.errors).toEqual([{ field: 'url', message: 'url must use https' }]);
      const foreign = await apiClientWithToken(t.app, other, ['system/Patient.read']);
      const wrongClient = await http()
        .post('/api/v1/webhooks')
        .auth(org.admin.token, bearer)
        .send({
          url: 'https://ehr.example.org/h',
          events: ['client.discharged'],
          apiClientId: foreign.id,
        })
        .expect(400);
      expect(wrongClient.body.errors).toEqual([
        { field: 'apiClientId', message: 'apiClientId names no API client' },
      ]);
    });

    it('should show the secret once, seal it, list, read, update with If-Match and hide other organizations', async () => {
      const res = await http()
        .post('/api/v1/webhooks')
        .auth(org.admin.token, bearer)
        .send({
          url: 'https://ehr.example.org/hooks',
          events: ['client.discharged'],
          apiClientId: ehr.id,
        })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        url: 'https://ehr.example.org/hooks',
        events: ['client.discharged'],
        apiClientId: ehr.id,
        active: true,
        disabledAt: null,
        version: 1,
        createdAt: expect.any(String),
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      });
      const [row] = await t.dataSource.query(
        `SELECT encode(secret_sealed, 'base64') AS s FROM webhook WHERE id = $1`,
        [res.body.id],
      );
      expect(row.s).not.toContain(res.body.secret.slice(6, 20));
      expect(
        await countAuditEvents(t.dataSource, { action: 'webhook.create', resourceId: res.body.id }),
      ).toBe(1);
      const got = await http()
        .get(`/api/v1/webhooks/${res.body.id}`)
        .auth(org.admin.token, bearer)
        .expect(200);
      expect(got.body).not.toHaveProperty('secret');
      expect(got.headers.etag).toBe('"1"');
      const list = await http().get('/api/v1/webhooks').auth(org.admin.token, bearer).expect(200);
      expect(list.body.items.map((w: { id: string }) => w.id)).toContain(res.body.id);
      await http()
        .get(`/api/v1/webhooks/${res.body.id}`)
        .auth(other.admin.token, bearer)
        .expect(404);
      await http().get('/api/v1/webhooks?limit=101').auth(org.admin.token, bearer).expect(400);
      const patched = await http()
        .patch(`/api/v1/webhooks/${res.body.id}`)
        .auth(org.admin.token, bearer)
        .set('If-Match', '"1"')
        .send({ active: false })
        .expect(200);
      expect(patched.body).toMatchObject({ active: false, version: 2 });
      await http()
        .patch(`/api/v1/webhooks/${res.body.id}`)
        .auth(org.admin.token, bearer)
        .set('If-Match', '"1"')
        .send({ active: true })
        .expect(412);
    });
  });

  describe('delivery', () => {
    it('should deliver a signed client.discharged with ids only, log the attempt and write a disclosure row', async () => {
      const hook = await register('/ok');
      const { clientId, consentId } = await consentedClient();
      const d = await discharge(clientId);
      const received = await eventually(
        async () =>
          receiver.accepted.find(
            (a) =>
              a.payload.data &&
              (a.payload.data as { dischargeId?: string }).dischargeId === d.body.id,
          ),
        10_000,
        'the signed delivery',
      );
      expect(received.type).toBe('client.discharged');
      expect(received.payload).toEqual({
        type: 'client.discharged',
        timestamp: expect.stringMatching(/Z$/),
        data: {
          clientId,
          dischargeId: d.body.id,
          levelOfCare: 'withdrawal_management',
          dischargedAt: d.body.dischargedAt,
          planned: true,
          source: 'staff',
        },
      });
      const row = await eventually(async () => {
        const [r] = await deliveriesOf(hook.id);
        return r?.status === 'delivered' ? r : undefined;
      });
      expect(row).toMatchObject({ id: received.id, status: 'delivered', attempts: 1 });
      const log = await http()
        .get(`/api/v1/webhooks/${hook.id}/deliveries`)
        .auth(org.admin.token, bearer)
        .expect(200);
      expect(log.body.items[0]).toEqual({
        id: received.id,
        eventType: 'client.discharged',
        status: 'delivered',
        statusReason: null,
        attempts: [
          {
            attemptedAt: expect.any(String),
            statusCode: 204,
            durationMs: expect.any(Number),
            error: null,
          },
        ],
        createdAt: expect.any(String),
        deliveredAt: expect.any(String),
      });
      const disclosures = await t.dataSource.query(
        `SELECT recipient_id, consent_id, resources FROM disclosure WHERE client_id = $1`,
        [clientId],
      );
      expect(disclosures).toEqual([
        {
          recipient_id: ehr.id,
          consent_id: consentId,
          resources: [{ type: 'Discharge', id: d.body.id }],
        },
      ]);
    });

    it('should send nothing for a client without a consent naming the webhook’s API client', async () => {
      const hook = await register('/ok');
      const clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const before = receiver.hits.get('/ok') ?? 0;
      await discharge(clientId);
      const row = await eventually(async () => {
        const [r] = await deliveriesOf(hook.id);
        return r?.status === 'cancelled' ? r : undefined;
      });
      expect(row.status_reason).toBe('no consent in force');
      expect(receiver.hits.get('/ok') ?? 0).toBe(before);
    });

    it('should log each failure (500, timeout, slow body, redirect to a private address) and retry later', async () => {
      for (const [path, error] of [
        ['/fail', 'status 500'],
        ['/hang', 'timeout'],
        ['/slow', 'timeout'],
        ['/redirect', 'redirect not followed'],
      ] as const) {
        const hook = await register(path);
        const { clientId } = await consentedClient();
        await discharge(clientId);
        const row = await eventually(
          async () => {
            const [r] = await deliveriesOf(hook.id);
            return r?.attempts === 1 ? r : undefined;
          },
          10_000,
          `first attempt to ${path}`,
        );
        expect(row).toMatchObject({ status: 'pending', status_reason: error });
        expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 10_000);
        const attempts = await t.dataSource.query(
          `SELECT status_code, error FROM webhook_attempt WHERE delivery_id = $1`,
          [row.id],
        );
        expect(attempts).toHaveLength(1);
        expect(attempts[0].error).toBe(error);
        expect(receiver.hits.get(path)).toBeGreaterThanOrEqual(1);
      }
      expect(receiver.hits.get('/latest/meta-data/')).toBeUndefined();
    });

    it('should deliver once more at most after a crash mid-delivery, the receiver deduplicating by webhook-id', async () => {
      const hook = await register('/ok');
      const { clientId } = await consentedClient();
      await discharge(clientId);
      const row = await eventually(async () => {
        const [r] = await deliveriesOf(hook.id);
        return r?.status === 'delivered' ? r : undefined;
      });
      // As if the worker died after the receiver answered and before the delivery was marked:
      await t.dataSource.query(`UPDATE webhook_delivery SET status = 'pending' WHERE id = $1`, [
        row.id,
      ]);
      expect(await runAgain(row.id)).toBe('delivered');
      expect(await runAgain(row.id)).toBe('skipped');
      const sent = receiver.accepted.filter((a) => a.id === row.id);
      expect(sent).toHaveLength(2);
      expect(receiver.uniqueAccepted().filter((a) => a.id === row.id)).toHaveLength(1);
      expect(receiver.rejectedSignatures).toEqual([]);
    });

    it('should send none of the queued deliveries once the consent is revoked', async () => {
      const hook = await register('/fail', ['assessment.recorded', 'client.discharged']);
      const { clientId, consentId } = await consentedClient();
      await discharge(clientId);
      const queued = await eventually(async () => {
        const [r] = await deliveriesOf(hook.id);
        return r?.attempts === 1 ? r : undefined;
      });
      await t.dataSource.query(`UPDATE webhook SET url = $2 WHERE id = $1`, [
        hook.id,
        receiver.url('/ok'),
      ]);
      await http()
        .post(`/api/v1/clients/${clientId}/consents/${consentId}/revoke`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      const before = receiver.hits.get('/ok') ?? 0;
      expect(await runAgain(queued.id)).toBe('cancelled');
      expect((await delivery(queued.id)).status_reason).toBe('no consent in force');
      expect(receiver.hits.get('/ok') ?? 0).toBe(before);
    });

    it('should fail after the retry window, disable an endpoint failing for days and notify the admins; redeliver queues it again', async () => {
      const hook = await register('/fail');
      const { clientId } = await consentedClient();
      await discharge(clientId);
      const row = await eventually(async () => {
        const [r] = await deliveriesOf(hook.id);
        return r?.attempts === 1 ? r : undefined;
      });
      // The clock moved: the event is 25 hours old, the endpoint has failed for 4 days.
      await t.dataSource.query(
        `UPDATE webhook_delivery SET created_at = now() - interval '25 hours' WHERE id = $1`,
        [row.id],
      );
      expect(await runAgain(row.id)).toBe('failed');
      expect((await delivery(row.id)).status).toBe('failed');
      expect(
        (await t.dataSource.query(`SELECT active FROM webhook WHERE id = $1`, [hook.id]))[0].active,
      ).toBe(true);
      await t.dataSource.query(
        `UPDATE webhook SET failing_since = now() - interval '4 days' WHERE id = $1`,
        [hook.id],
      );
      await t.dataSource.query(
        `UPDATE webhook_delivery SET status = 'pending', created_at = now() WHERE id = $1`,
        [row.id],
      );
      expect(await runAgain(row.id)).toBe('failed');
      const [webhook] = await t.dataSource.query(
        `SELECT active, disabled_at FROM webhook WHERE id = $1`,
        [hook.id],
      );
      expect(webhook.active).toBe(false);
      expect(webhook.disabled_at).toBeInstanceOf(Date);
      const notified = await t.dataSource.query(
        `SELECT recipient_id FROM notification WHERE kind = 'webhook.disabled' AND resource_id = $1`,
        [hook.id],
      );
      expect(notified).toEqual([{ recipient_id: org.admin.id }]);
      // Re-enabled at a fixed URL, the failed delivery goes out again on request.
      await t.dataSource.query(`UPDATE webhook SET url = $2 WHERE id = $1`, [
        hook.id,
        receiver.url('/ok'),
      ]);
      const current = await http()
        .get(`/api/v1/webhooks/${hook.id}`)
        .auth(org.admin.token, bearer)
        .expect(200);
      await http()
        .patch(`/api/v1/webhooks/${hook.id}`)
        .auth(org.admin.token, bearer)
        .set('If-Match', `"${current.body.version}"`)
        .send({ active: true })
        .expect(200);
      await http()
        .post(`/api/v1/webhooks/${hook.id}/deliveries/${row.id}/redeliver`)
        .auth(org.admin.token, bearer)
        .expect(204);
      await eventually(async () =>
        (await delivery(row.id)).status === 'delivered' ? true : undefined,
      );
      await http()
        .post(`/api/v1/webhooks/${hook.id}/deliveries/${row.id}/redeliver`)
        .auth(other.admin.token, bearer)
        .expect(404);
    });
  });

  describe('no server-side request forgery', () => {
    const options = { httpAllowedHosts: new Set<string>(), timeoutMs: 1500 };

    it('should refuse plain http and a name that resolves to a private address at connection time', async () => {
      expect(await postWebhook('http://example.com/h', '{}', {}, options)).toMatchObject({
        statusCode: null,
        error: 'url must use https',
      });
      expect(await postWebhook('https://localhost:9/h', '{}', {}, options)).toMatchObject({
        statusCode: null,
        error: 'address refused',
      });
      expect(await postWebhook('https://169.254.169.254/latest', '{}', {}, options)).toMatchObject({
        statusCode: null,
        error: 'address refused',
      });
    });
  });
});
