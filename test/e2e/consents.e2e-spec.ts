import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 24 * 3600_000;

describe('consents /api/v1/clients/:id/consents (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let clientId: string;
  let ehr: string;
  const http = () => request(t.app.getHttpServer());
  const path = (id = clientId) => `/api/v1/clients/${id}/consents`;
  const body = (over: Record<string, unknown> = {}) => ({
    recipientId: ehr,
    purposes: ['treatment'],
    categories: ['demographics', 'follow-ups'],
    expiresAt: new Date(Date.now() + 365 * DAY).toISOString(),
    signedAt: new Date(Date.now() - 3600_000).toISOString(),
    signatureMethod: 'written',
    ...over,
  });
  const apiClient = async (o: TestOrg, active = true) =>
    (
      await t.dataSource.query(
        `INSERT INTO api_client (organization_id, name, client_id, secret_hash, scopes, active)
         VALUES ($1, 'Valley EHR', $2, '\\x00', '{system/*.read}', $3) RETURNING id`,
        [o.id, `ehr-${randomUUID()}`, active],
      )
    )[0].id as string;
  const stored = (id: string) => t.dataSource.query(`SELECT * FROM consent WHERE id = $1`, [id]);

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    ehr = await apiClient(org);
  });
  afterAll(() => t.close());

  describe('POST', () => {
    it('should answer 401 without a token and 403 to an admin', async () => {
      await http().post(path()).send(body()).expect(401);
      const res = await http().post(path()).auth(org.admin.token, bearer).send(body()).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a client outside the caller’s scope, like a missing one', async () => {
      const outside = await http()
        .post(path())
        .auth(org.peerB1.token, bearer)
        .send(body())
        .expect(404);
      const missing = await http()
        .post(path(randomUUID()))
        .auth(org.peerA1.token, bearer)
        .send(body())
        .expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect({ ...missing.body, correlationId: 0 }).toEqual({ ...outside.body, correlationId: 0 });
    });

    it('should answer 400 with the exact errors and store nothing', async () => {
      const bad = await http()
        .post(path())
        .auth(org.peerA1.token, bearer)
        .send(body({ purposes: [], categories: ['everything'], signatureMethod: 'nod', note: 'x' }))
        .expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'categories',
            message:
              'each value in categories must be one of the following values: demographics, plans-goals, follow-ups, assessments, session-notes',
          },
          { field: 'note', message: 'property note should not exist' },
          { field: 'purposes', message: 'purposes must contain at least 1 elements' },
          {
            field: 'signatureMethod',
            message: 'signatureMethod must be one of the following values: written, electronic',
          },
        ]),
      );
      const dates = await http()
        .post(path())
        .auth(org.peerA1.token, bearer)
        .send(
          body({
            expiresAt: '2020-01-01T00:00:00Z',
            signedAt: new Date(Date.now() + DAY).toISOString(),
          }),
        )
        .expect(400);
      expect(dates.body.errors).toEqual([
        { field: 'expiresAt', message: 'expiresAt must be in the future' },
        { field: 'signedAt', message: 'signedAt must not be in the future' },
      ]);
      for (const recipientId of [
        await apiClient(other),
        await apiClient(org, false),
        randomUUID(),
      ]) {
        const res = await http()
          .post(path())
          .auth(org.peerA1.token, bearer)
          .send(body({ recipientId }))
          .expect(400);
        expect(res.body.errors).toEqual([
          {
            field: 'recipientId',
            message: 'recipientId must be an active API client of your organization',
          },
        ]);
      }
      expect(
        await t.dataSource.query(`SELECT 1 FROM consent WHERE client_id = $1`, [clientId]),
      ).toEqual([]);
    });

    it('should record the consent, active from now, audited', async () => {
      const sent = body();
      const res = await http().post(path()).auth(org.peerA1.token, bearer).send(sent).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId,
        recipientId: ehr,
        purposes: ['treatment'],
        categories: ['demographics', 'follow-ups'],
        effectiveAt: expect.any(String),
        expiresAt: sent.expiresAt,
        signedAt: sent.signedAt,
        signatureMethod: 'written',
        revokedAt: null,
        revocationReason: null,
        status: 'active',
        createdById: org.peerA1.id,
        createdAt: expect.any(String),
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      const [row] = await stored(res.body.id);
      expect(row).toEqual(
        expect.objectContaining({
          organization_id: org.id,
          client_id: clientId,
          recipient_id: ehr,
          purposes: ['treatment'],
          categories: ['demographics', 'follow-ups'],
          revoked_at: null,
          created_by_id: org.peerA1.id,
        }),
      );
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'consent.create',
          resourceId: res.body.id,
          clientId,
        }),
      ).toBe(1);
    });
  });

  describe('GET and revoke', () => {
    let consentId: string;
    beforeAll(async () => {
      const res = await http()
        .post(path())
        .auth(org.supervisorA.token, bearer)
        .send(body())
        .expect(201);
      consentId = res.body.id;
    });
    const revoke = (token: string, id = consentId, client = clientId) =>
      http()
        .post(`${path(client)}/${id}/revoke`)
        .auth(token, bearer);

    it('should answer 401 without a token, 404 outside the scope, 400 for a bad id', async () => {
      await http().get(path()).expect(401);
      await http().post(`${path()}/${consentId}/revoke`).expect(401);
      await http().get(path()).auth(org.peerB1.token, bearer).expect(404);
      await revoke(org.supervisorB.token).expect(404);
      const elsewhere = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const foreign = await revoke(org.peerA1.token, consentId, elsewhere).expect(404);
      expect(foreign.body).toEqual(problem(404, 'NOT_FOUND', 'Consent not found.'));
      const bad = await revoke(org.peerA1.token, 'nope').expect(400);
      expect(bad.body.errors).toEqual([
        { field: 'consentId', message: 'consentId must be a UUID' },
      ]);
      const page = await http().get(`${path()}?limit=0`).auth(org.peerA1.token, bearer).expect(400);
      expect(page.body.errors).toEqual([
        { field: 'limit', message: 'limit must not be less than 1' },
      ]);
    });

    it('should list the consents to staff and admins (read), newest first', async () => {
      for (const who of [org.peerA1, org.supervisorA, org.admin]) {
        const res = await http().get(path()).auth(who.token, bearer).expect(200);
        expect(res.body.items[0]).toEqual(
          expect.objectContaining({ id: consentId, status: 'active' }),
        );
      }
      await revoke(org.admin.token).expect(403);
    });

    it('should revoke once (409 after), stored and audited', async () => {
      const res = await revoke(org.peerA1.token).expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: consentId,
          status: 'revoked',
          revokedAt: expect.any(String),
        }),
      );
      const [row] = await stored(consentId);
      expect(row.revoked_at).toBeInstanceOf(Date);
      expect(row.revoked_by_id).toBe(org.peerA1.id);
      const again = await revoke(org.peerA1.token).expect(409);
      expect(again.body).toEqual(
        problem(409, 'INVALID_TRANSITION', 'This consent is already revoked or expired.'),
      );
      expect(
        await countAuditEvents(t.dataSource, { action: 'consent.revoke', resourceId: consentId }),
      ).toBe(1);
    });
  });
});
