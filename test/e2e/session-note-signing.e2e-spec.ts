import request from 'supertest';

import { countAuditEvents } from '../helpers/audit';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createCertification, createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { createNote } from '../factories/session-note.factory';
import { problem } from '../helpers/problem';

const daysFromToday = (d: number) =>
  new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

describe('session notes: signing, addenda and review (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let clientA: string;
  const http = () => request(t.app.getHttpServer());
  const complete = {
    data: 'Met at the park; walked and talked about the week.',
    assessment: 'Steady; proud of 30 days.',
    plan: 'Meet Friday at the library.',
  };

  const draftFor = async (over: Record<string, unknown> = {}) =>
    createNote(t.dataSource, {
      organizationId: org.id,
      clientId: clientA,
      authorId: org.peerA1.id,
      format: 'DAP',
      sections: complete,
      ...over,
    });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    clientA = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    await createCertification(t.dataSource, {
      organizationId: org.id,
      userId: org.peerA1.id,
      expiresOn: daysFromToday(365),
    });
  });
  afterAll(() => t.close());

  describe('POST /api/v1/session-notes/:id/sign', () => {
    it('should answer 401 without a token', async () => {
      await http()
        .post(`/api/v1/session-notes/${await draftFor()}/sign`)
        .expect(401);
    });

    it('should answer 403 for an admin and for someone other than the author', async () => {
      const id = await draftFor();
      await http()
        .post(`/api/v1/session-notes/${id}/sign`)
        .auth(org.admin.token, { type: 'bearer' })
        .expect(403);
      const res = await http()
        .post(`/api/v1/session-notes/${id}/sign`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .expect(403);
      expect(res.body).toEqual(
        problem(403, 'FORBIDDEN', 'Only the author may change or sign this note.'),
      );
    });

    it('should answer 404 out of scope', async () => {
      const res = await http()
        .post(`/api/v1/session-notes/${await draftFor()}/sign`)
        .auth(org.peerB1.token, { type: 'bearer' })
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Session note not found.'));
    });

    it('should answer 422 listing the missing sections', async () => {
      const id = await draftFor({ sections: { data: 'Met.', plan: '   ' } });
      const res = await http()
        .post(`/api/v1/session-notes/${id}/sign`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(422);
      expect(res.body).toEqual(
        problem(
          422,
          'NOTE_INCOMPLETE',
          'Every required section must be filled in before signing.',
          [
            { field: 'sections.assessment', message: 'assessment is required to sign' },
            { field: 'sections.plan', message: 'plan is required to sign' },
          ],
        ),
      );
    });

    it('should answer 422 CREDENTIAL_EXPIRED without an unexpired credential, and honour the grace period', async () => {
      const client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
      });
      const own = await createNote(t.dataSource, {
        organizationId: org.id,
        clientId: client,
        authorId: org.peerA2.id,
      });
      await createCertification(t.dataSource, {
        organizationId: org.id,
        userId: org.peerA2.id,
        expiresOn: daysFromToday(-3),
      });
      const res = await http()
        .post(`/api/v1/session-notes/${own}/sign`)
        .auth(org.peerA2.token, { type: 'bearer' })
        .expect(422);
      expect(res.body).toEqual(
        problem(
          422,
          'CREDENTIAL_EXPIRED',
          'Signing requires an unexpired peer credential on file.',
        ),
      );
      const [row] = await t.dataSource.query(`SELECT status FROM session_note WHERE id = $1`, [
        own,
      ]);
      expect(row.status).toBe('draft');
      await t.dataSource.query(
        `UPDATE organization SET settings = '{"credentialGraceDays": 5}' WHERE id = $1`,
        [org.id],
      );
      try {
        await http()
          .post(`/api/v1/session-notes/${own}/sign`)
          .auth(org.peerA2.token, { type: 'bearer' })
          .expect(200);
      } finally {
        await t.dataSource.query(`UPDATE organization SET settings = '{}' WHERE id = $1`, [org.id]);
      }
      const [signedRow] = await t.dataSource.query(
        `SELECT status FROM session_note WHERE id = $1`,
        [own],
      );
      expect(signedRow.status).toBe('signed');
    });

    it('should sign, hash and lock the note, and move last contact', async () => {
      const id = await draftFor();
      const res = await http()
        .post(`/api/v1/session-notes/${id}/sign`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          id,
          status: 'signed',
          signedAt: expect.any(String),
          contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          lateEntry: false,
          version: 2,
        }),
      );
      const [row] = await t.dataSource.query(
        `SELECT status, content_hash, signed_at FROM session_note WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({
        status: 'signed',
        content_hash: res.body.contentHash,
        signed_at: new Date(res.body.signedAt),
      });
      const again = await http()
        .post(`/api/v1/session-notes/${id}/sign`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(409);
      expect(again.body).toEqual(
        problem(
          409,
          'NOTE_ALREADY_SIGNED',
          'The note is signed and locked; add an addendum instead.',
        ),
      );
      const patch = await http()
        .patch(`/api/v1/session-notes/${id}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .set('If-Match', '"2"')
        .send({ setting: 'x' })
        .expect(409);
      expect(patch.body.code).toBe('NOTE_ALREADY_SIGNED');
      await expect(
        t.dataSource.query(`UPDATE session_note SET sections = '{}' WHERE id = $1`, [id]),
      ).rejects.toThrow('cannot be altered');
      const [client] = await t.dataSource.query(
        `SELECT last_contact_at FROM client WHERE id = $1`,
        [clientA],
      );
      expect(client.last_contact_at).not.toBeNull();
    });

    it('should mark a late entry when signed more than 72 hours after the session', async () => {
      const id = await draftFor({ startedAt: new Date(Date.now() - 4 * 86_400_000) });
      const res = await http()
        .post(`/api/v1/session-notes/${id}/sign`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(res.body.lateEntry).toBe(true);
    });
  });

  describe('POST /api/v1/session-notes/:id/addenda', () => {
    let signed: string;
    beforeAll(async () => {
      signed = await draftFor();
      await http()
        .post(`/api/v1/session-notes/${signed}/sign`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(200);
    });

    it('should answer 401 without a token', async () => {
      await http().post(`/api/v1/session-notes/${signed}/addenda`).send({ text: 'x' }).expect(401);
    });

    it('should answer 403 for an admin and for a peer who is not the author', async () => {
      await http()
        .post(`/api/v1/session-notes/${signed}/addenda`)
        .auth(org.admin.token, { type: 'bearer' })
        .send({ text: 'x' })
        .expect(403);
      await t.dataSource.query(
        `INSERT INTO client_coverage (client_id, specialist_id, ends_at) VALUES ($1, $2, now() + interval '1 day')`,
        [clientA, org.peerA2.id],
      );
      const res = await http()
        .post(`/api/v1/session-notes/${signed}/addenda`)
        .auth(org.peerA2.token, { type: 'bearer' })
        .send({ text: 'x' })
        .expect(403);
      expect(res.body).toEqual(
        problem(403, 'FORBIDDEN', 'Only a supervisor of the author’s team may do this.'),
      );
    });

    it('should answer 404 for another team’s note, as for a missing one', async () => {
      const res = await http()
        .post(`/api/v1/session-notes/${signed}/addenda`)
        .auth(org.supervisorB.token, { type: 'bearer' })
        .send({ text: 'x' })
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Session note not found.'));
    });

    it('should answer 400 for blank text and 409 on a draft', async () => {
      const res = await http()
        .post(`/api/v1/session-notes/${signed}/addenda`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ text: '  ' })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'text', message: 'text must not be blank' },
        ]),
      );
      const draft = await draftFor();
      const conflict = await http()
        .post(`/api/v1/session-notes/${draft}/addenda`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ text: 'x' })
        .expect(409);
      expect(conflict.body).toEqual(
        problem(
          409,
          'NOTE_NOT_SIGNED',
          'Only a signed note takes addenda; edit the draft instead.',
        ),
      );
    });

    it('should append an addendum without altering the original', async () => {
      const before = (
        await http()
          .get(`/api/v1/session-notes/${signed}`)
          .auth(org.peerA1.token, { type: 'bearer' })
          .expect(200)
      ).body;
      const res = await http()
        .post(`/api/v1/session-notes/${signed}/addenda`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ text: 'Late detail: met at 10, not 9.' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        noteId: signed,
        text: 'Late detail: met at 10, not 9.',
        authorId: org.peerA1.id,
        createdAt: expect.any(String),
      });
      const bySupervisor = await http()
        .post(`/api/v1/session-notes/${signed}/addenda`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send({ text: 'Reviewed with the author.' })
        .expect(201);
      const after = (
        await http()
          .get(`/api/v1/session-notes/${signed}`)
          .auth(org.peerA1.token, { type: 'bearer' })
          .expect(200)
      ).body;
      expect(after.contentHash).toBe(before.contentHash);
      expect(after.sections).toEqual(before.sections);
      expect(after.version).toBe(before.version);
      expect(after.addenda).toEqual([res.body, bySupervisor.body]);
      await expect(
        t.dataSource.query(`UPDATE session_note_addendum SET text = 'x' WHERE id = $1`, [
          res.body.id,
        ]),
      ).rejects.toThrow('append-only');
    });
  });

  describe('POST /api/v1/session-notes/:id/review and the review queue', () => {
    let signed: string;
    beforeAll(async () => {
      signed = await draftFor();
      await http()
        .post(`/api/v1/session-notes/${signed}/sign`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(200);
    });

    it('should answer 401 without a token', async () => {
      await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .send({ decision: 'approved' })
        .expect(401);
    });

    it('should answer 403 for peers and admins', async () => {
      await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ decision: 'approved' })
        .expect(403);
      await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .auth(org.admin.token, { type: 'bearer' })
        .send({ decision: 'approved' })
        .expect(403);
    });

    it('should answer 404 for a supervisor of another team', async () => {
      const res = await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .auth(org.supervisorB.token, { type: 'bearer' })
        .send({ decision: 'approved' })
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Session note not found.'));
    });

    it('should answer 400 for an unknown decision, or needs_revision without a comment', async () => {
      const bad = await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send({ decision: 'maybe' })
        .expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'decision',
            message: 'decision must be one of the following values: approved, needs_revision',
          },
        ]),
      );
      const res = await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send({ decision: 'needs_revision' })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'comment', message: 'comment is required when the decision is needs_revision' },
        ]),
      );
    });

    it('should answer 409 for a draft', async () => {
      const res = await http()
        .post(`/api/v1/session-notes/${await draftFor()}/review`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send({ decision: 'approved' })
        .expect(409);
      expect(res.body).toEqual(
        problem(409, 'INVALID_TRANSITION', 'Only a signed note awaiting review can be reviewed.'),
      );
    });

    it('should queue, return for revision, re-queue after an addendum, then approve', async () => {
      const queue = async () =>
        (
          await http()
            .get('/api/v1/session-notes?status=signed&awaitingReview=true&limit=100')
            .auth(org.supervisorA.token, { type: 'bearer' })
            .expect(200)
        ).body.items.map((n: { id: string }) => n.id);
      expect(await queue()).toContain(signed);
      const otherTeam = (
        await http()
          .get('/api/v1/session-notes?status=signed&awaitingReview=true')
          .auth(org.supervisorB.token, { type: 'bearer' })
          .expect(200)
      ).body;
      expect(otherTeam).toEqual({ items: [], nextCursor: null });

      const revision = await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send({ decision: 'needs_revision', comment: 'Please add the plan time.' })
        .expect(200);
      expect(revision.body).toEqual(
        expect.objectContaining({
          status: 'signed',
          reviewDecision: 'needs_revision',
          reviewerId: org.supervisorA.id,
          reviewComment: 'Please add the plan time.',
        }),
      );
      expect(await queue()).not.toContain(signed);

      await http()
        .post(`/api/v1/session-notes/${signed}/addenda`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ text: 'Plan: Friday 10:00.' })
        .expect(201);
      expect(await queue()).toContain(signed);

      const approved = await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send({ decision: 'approved', comment: 'Thanks.' })
        .expect(200);
      expect(approved.body).toEqual(
        expect.objectContaining({
          id: signed,
          status: 'reviewed',
          reviewDecision: 'approved',
          reviewedAt: expect.any(String),
        }),
      );
      const [row] = await t.dataSource.query(
        `SELECT status, review_decision, reviewer_id FROM session_note WHERE id = $1`,
        [signed],
      );
      expect(row).toEqual({
        status: 'reviewed',
        review_decision: 'approved',
        reviewer_id: org.supervisorA.id,
      });
      expect(await queue()).not.toContain(signed);

      // A correction after approval: back to signed and into the queue; the content stays.
      const beforeAmend = await t.dataSource.query(
        `SELECT content_hash, sections FROM session_note WHERE id = $1`,
        [signed],
      );
      await http()
        .post(`/api/v1/session-notes/${signed}/addenda`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ text: 'Correction: the meeting was at the library.' })
        .expect(201);
      const [amended] = await t.dataSource.query(
        `SELECT status, content_hash, sections FROM session_note WHERE id = $1`,
        [signed],
      );
      expect(amended).toEqual({ status: 'signed', ...beforeAmend[0] });
      expect(await queue()).toContain(signed);
      await http()
        .post(`/api/v1/session-notes/${signed}/review`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send({ decision: 'approved' })
        .expect(200);
      expect(await queue()).not.toContain(signed);
      expect(
        await countAuditEvents(t.dataSource, { resourceId: signed, action: 'session-note.review' }),
      ).toBe(3);
    });

    it('should answer 400 for a bad awaitingReview value and 403 for an admin', async () => {
      const res = await http()
        .get('/api/v1/session-notes?awaitingReview=perhaps')
        .auth(org.supervisorA.token, { type: 'bearer' })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'awaitingReview', message: 'awaitingReview must be a boolean value' },
        ]),
      );
      await http()
        .get('/api/v1/session-notes')
        .auth(org.admin.token, { type: 'bearer' })
        .expect(403);
      await http().get('/api/v1/session-notes').expect(401);
    });
  });
});
