import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient, createFollowUp } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 24 * 3600_000;
const ANSWERS = [4, 5, 4, 3, 5, 4, 4, 5, 3, 4];

describe('the day-30 BARC-10 follow-up and the assessment that fulfils it (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  /** A client of peerA1 discharged `daysAgo` days ago, and its cadence's BARC-10 task. */
  const discharged = async (daysAgo = 30): Promise<{ clientId: string; taskId: string }> => {
    const clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const dischargedAt = new Date(Date.now() - daysAgo * DAY);
    const res = await http()
      .post(`/api/v1/clients/${clientId}/discharges`)
      .auth(org.peerA1.token, bearer)
      .send(
        dischargeBody({
          dischargedAt: dischargedAt.toISOString(),
          admittedAt: new Date(dischargedAt.getTime() - 5 * DAY).toISOString(),
        }),
      )
      .expect(201);
    const task = res.body.followUps.find((f: { kind: string }) => f.kind === 'assessment');
    expect(task).toEqual(expect.objectContaining({ label: 'barc10-day-30', status: 'requested' }));
    return { clientId, taskId: task.id };
  };
  const record = (clientId: string, administeredAt?: Date) =>
    http()
      .post(`/api/v1/clients/${clientId}/assessments`)
      .auth(org.peerA1.token, bearer)
      .send({
        instrument: 'BARC-10',
        answers: ANSWERS,
        ...(administeredAt ? { administeredAt: administeredAt.toISOString() } : {}),
      });
  const taskRow = async (id: string) =>
    (
      await t.dataSource.query(
        `SELECT status, outcome, assessment_id, completed_at, version FROM follow_up WHERE id = $1`,
        [id],
      )
    )[0];

  describe('recording a BARC-10 completes the task', () => {
    it('should complete the open task when the BARC-10 falls within its window, in the same write', async () => {
      const { clientId, taskId } = await discharged(30);
      const res = await record(clientId).expect(201);
      const row = await taskRow(taskId);
      expect(row).toEqual({
        status: 'completed',
        outcome: 'reached',
        assessment_id: res.body.id,
        completed_at: new Date(res.body.administeredAt),
        version: 2,
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'follow-up.complete',
          resourceId: taskId,
          actorId: org.peerA1.id,
          clientId,
        }),
      ).toBe(1);
      const task = await http()
        .get(`/api/v1/follow-ups/${taskId}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(task.body).toEqual(
        expect.objectContaining({ status: 'completed', assessmentId: res.body.id }),
      );
      // The contact tasks of the same discharge are not the assessment's to complete.
      const [open] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM follow_up WHERE client_id = $1 AND kind = 'contact' AND status = 'requested'`,
        [clientId],
      );
      expect(open.n).toBeGreaterThan(0);
    });

    it('should leave the task open for a BARC-10 outside its window', async () => {
      const { clientId, taskId } = await discharged(10); // window opens at day 23
      await record(clientId).expect(201);
      expect(await taskRow(taskId)).toEqual(
        expect.objectContaining({ status: 'requested', assessment_id: null, version: 1 }),
      );
      const late = await discharged(40); // window closed at day 37
      await record(late.clientId).expect(201);
      expect(await taskRow(late.taskId)).toEqual(
        expect.objectContaining({ status: 'requested', assessment_id: null }),
      );
      // A BARC-10 dated back into the window does count.
      const back = await record(late.clientId, new Date(Date.now() - 8 * DAY)).expect(201);
      expect(await taskRow(late.taskId)).toEqual(
        expect.objectContaining({ status: 'completed', assessment_id: back.body.id }),
      );
    });

    it('should not complete a cancelled or on-hold task', async () => {
      const { clientId, taskId } = await discharged(30);
      await t.dataSource.query(`UPDATE follow_up SET status = 'on-hold' WHERE id = $1`, [taskId]);
      await record(clientId).expect(201);
      expect(await taskRow(taskId)).toEqual(
        expect.objectContaining({ status: 'on-hold', assessment_id: null }),
      );
    });

    it('should complete the task exactly once under a burst of 50 parallel assessments', async () => {
      const { clientId, taskId } = await discharged(30);
      const results = await Promise.all(Array.from({ length: 50 }, () => record(clientId)));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      const row = await taskRow(taskId);
      expect(row.status).toBe('completed');
      expect(row.version).toBe(2);
      expect(results.map((r) => r.body.id)).toContain(row.assessment_id);
      expect(
        await countAuditEvents(t.dataSource, { action: 'follow-up.complete', resourceId: taskId }),
      ).toBe(1);
      const [stored] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM assessment WHERE client_id = $1`,
        [clientId],
      );
      expect(stored.n).toBe(50);
    });
  });

  describe('completing the task links the assessment (POST /api/v1/follow-ups/:id/complete)', () => {
    const complete = (token: string | null, id: string, body: object) => {
      const req = http().post(`/api/v1/follow-ups/${id}/complete`);
      if (token) req.auth(token, bearer);
      return req.send(body);
    };

    it('should answer 401 without a token, 403 to an admin, 404 out of scope', async () => {
      const { taskId } = await discharged(30);
      await complete(null, taskId, { outcome: 'reached' }).expect(401);
      await complete(org.admin.token, taskId, { outcome: 'reached' }).expect(403);
      const out = await complete(org.peerB1.token, taskId, {
        outcome: 'reached',
        assessmentId: randomUUID(),
      }).expect(404);
      expect(out.body).toEqual(problem(404, 'NOT_FOUND', 'Follow-up not found.'));
      expect(await taskRow(taskId)).toEqual(expect.objectContaining({ status: 'requested' }));
    });

    it('should answer 400 for a malformed id, another client’s BARC-10, or a contact task', async () => {
      const { taskId } = await discharged(30);
      const bad = await complete(org.peerA1.token, taskId, {
        outcome: 'reached',
        assessmentId: 'nope',
      }).expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'assessmentId', message: 'assessmentId must be a UUID' },
        ]),
      );
      const other = await discharged(5);
      const foreign = await record(other.clientId).expect(201);
      const res = await complete(org.peerA1.token, taskId, {
        outcome: 'reached',
        assessmentId: foreign.body.id,
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'assessmentId', message: 'assessmentId must be a BARC-10 of this client' },
        ]),
      );
      const contact = await createFollowUp(t.dataSource, {
        organizationId: org.id,
        clientId: other.clientId,
        ownerId: org.peerA1.id,
        dueAt: new Date(),
      });
      const wrongKind = await complete(org.peerA1.token, contact, {
        outcome: 'reached',
        assessmentId: foreign.body.id,
      }).expect(400);
      expect(wrongKind.body.errors).toEqual([
        { field: 'assessmentId', message: 'only an assessment follow-up takes an assessmentId' },
      ]);
      expect(await taskRow(taskId)).toEqual(expect.objectContaining({ status: 'requested' }));
    });

    it('should link the named BARC-10 of the client on completion', async () => {
      const { clientId, taskId } = await discharged(45);
      const early = await record(clientId, new Date(Date.now() - 44 * DAY)).expect(201);
      expect(await taskRow(taskId)).toEqual(expect.objectContaining({ status: 'requested' }));
      const res = await complete(org.peerA1.token, taskId, {
        outcome: 'reached',
        assessmentId: early.body.id,
      }).expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({ status: 'completed', assessmentId: early.body.id }),
      );
      expect(await taskRow(taskId)).toEqual(
        expect.objectContaining({ status: 'completed', assessment_id: early.body.id }),
      );
      expect(
        await countAuditEvents(t.dataSource, { action: 'follow-up.complete', resourceId: taskId }),
      ).toBe(1);
    });

    it('should link the latest in-window BARC-10 when none is named, and none when there is none', async () => {
      const { clientId, taskId } = await discharged(30);
      // Recorded before the task existed (e.g. a discharge entered late): the task is still open.
      const [a] = await t.dataSource.query(
        `INSERT INTO assessment (organization_id, client_id, instrument, answers, total, administered_at)
         VALUES ($1, $2, 'BARC-10', $3, 41, now() - interval '1 day') RETURNING id`,
        [org.id, clientId, ANSWERS],
      );
      const res = await complete(org.peerA1.token, taskId, { outcome: 'reached' }).expect(200);
      expect(res.body.assessmentId).toBe(a.id);
      const bare = await discharged(30);
      const declined = await complete(org.peerA1.token, bare.taskId, {
        outcome: 'declined',
      }).expect(200);
      expect(declined.body).toEqual(
        expect.objectContaining({ status: 'completed', outcome: 'declined', assessmentId: null }),
      );
    });
  });
});
