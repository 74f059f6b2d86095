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

  describe('POST /api/v1/consents/:id/revoke (SPEC 12; the nested path is an alias)', () => {
    const fresh = async () =>
      (await http().post(path()).auth(org.peerA1.token, bearer).send(body()).expect(201)).body
        .id as string;
    const revokeById = (token: string, id: string, sent: object = {}) =>
      http().post(`/api/v1/consents/${id}/revoke`).auth(token, bearer).send(sent);

    it('should answer 401 without a token, 403 to an admin, 404 outside the scope or organization', async () => {
      const id = await fresh();
      await http().post(`/api/v1/consents/${id}/revoke`).send({}).expect(401);
      const admin = await revokeById(org.admin.token, id).expect(403);
      expect(admin.body).toEqual(
        problem(403, 'FORBIDDEN', 'Your role may not perform this action.'),
      );
      const outside = await revokeById(org.supervisorB.token, id).expect(404);
      const foreign = await revokeById(other.peerA1.token, id).expect(404);
      const missing = await revokeById(org.peerA1.token, randomUUID()).expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Consent not found.'));
      for (const res of [foreign, missing]) {
        expect({ ...res.body, correlationId: 0 }).toEqual({ ...outside.body, correlationId: 0 });
      }
      const [row] = await stored(id);
      expect(row).toEqual(expect.objectContaining({ revoked_at: null, version: 1 }));
    });

    it('should answer 400 with the exact errors for a bad id or reason', async () => {
      const id = await fresh();
      const badId = await revokeById(org.peerA1.token, 'nope').expect(400);
      expect(badId.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'id', message: 'id must be a UUID' },
        ]),
      );
      const bad = await revokeById(org.peerA1.token, id, {
        reason: 'x'.repeat(1001),
        extra: true,
      }).expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'extra', message: 'property extra should not exist' },
          {
            field: 'reason',
            message: 'reason must be shorter than or equal to 1000 characters',
          },
        ]),
      );
      const empty = await revokeById(org.peerA1.token, id, { reason: '' }).expect(400);
      expect(empty.body.errors).toEqual([
        { field: 'reason', message: 'reason must be longer than or equal to 1 characters' },
      ]);
      const number = await revokeById(org.peerA1.token, id, { reason: 42 }).expect(400);
      expect(number.body.errors).toEqual([{ field: 'reason', message: 'reason must be a string' }]);
      expect((await stored(id))[0].revoked_at).toBeNull();
    });

    it('should revoke with a reason: shown, stored, versioned (ETag) and audited; 409 after', async () => {
      const id = await fresh();
      const reason = 'Client withdrew consent by phone';
      const res = await revokeById(org.peerA1.token, id, { reason }).expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          id,
          clientId,
          status: 'revoked',
          revokedAt: expect.any(String),
          revocationReason: reason,
          version: 2,
        }),
      );
      expect(res.headers.etag).toBe('"2"');
      const [row] = await stored(id);
      expect(row).toEqual(
        expect.objectContaining({
          revocation_reason: reason,
          revoked_by_id: org.peerA1.id,
          version: 2,
        }),
      );
      expect(row.revoked_at.toISOString()).toBe(res.body.revokedAt);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'consent.revoke',
          resourceId: id,
          clientId,
          actorId: org.peerA1.id,
        }),
      ).toBe(1);
      const listed = await http().get(path()).auth(org.admin.token, bearer).expect(200);
      expect(listed.body.items.find((c: { id: string }) => c.id === id)).toEqual(res.body);
      const again = await revokeById(org.peerA1.token, id).expect(409);
      expect(again.body).toEqual(
        problem(409, 'INVALID_TRANSITION', 'This consent is already revoked or expired.'),
      );
    });

    it('should honour If-Match when sent: 412 when stale, the row untouched', async () => {
      const id = await fresh();
      const stale = await revokeById(org.peerA1.token, id).set('If-Match', '"7"').expect(412);
      expect(stale.body).toEqual(
        problem(
          412,
          'PRECONDITION_FAILED',
          'The record changed since you read it; reload and retry.',
        ),
      );
      await revokeById(org.peerA1.token, id).set('If-Match', 'garbage').expect(412);
      expect((await stored(id))[0]).toEqual(
        expect.objectContaining({ revoked_at: null, version: 1 }),
      );
      const ok = await revokeById(org.peerA1.token, id).set('If-Match', '"1"').expect(200);
      expect(ok.body).toEqual(
        expect.objectContaining({ status: 'revoked', revocationReason: null, version: 2 }),
      );
    });

    it('should revoke through the nested alias too, with a reason', async () => {
      const id = await fresh();
      const res = await http()
        .post(`${path()}/${id}/revoke`)
        .auth(org.supervisorA.token, bearer)
        .set('If-Match', '"1"')
        .send({ reason: 'Recorded in error' })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({ id, revocationReason: 'Recorded in error', version: 2 }),
      );
      expect((await stored(id))[0]).toEqual(
        expect.objectContaining({ revocation_reason: 'Recorded in error', version: 2 }),
      );
    });

    it('should revoke once under a burst of 50 parallel revokes', async () => {
      const id = await fresh();
      const burst = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          revokeById(org.peerA1.token, id, { reason: `attempt ${i}` }),
        ),
      );
      const statuses: Record<number, number> = {};
      for (const res of burst) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      expect(statuses).toEqual({ 200: 1, 409: 49 });
      const winner = burst.find((res) => res.status === 200)!;
      const [row] = await stored(id);
      expect(row).toEqual(
        expect.objectContaining({ version: 2, revocation_reason: winner.body.revocationReason }),
      );
      expect(
        await countAuditEvents(t.dataSource, { action: 'consent.revoke', resourceId: id }),
      ).toBe(1);
    });
  });
});
