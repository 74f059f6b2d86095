import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';

import { SessionNoteAlertsService } from '../../src/modules/session-notes/session-note-alerts.service';
import { createWorker } from '../../src/worker';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient, createCoverage } from '../factories/client.factory';
import { createTestOrg, createUser, TestOrg } from '../factories/people.factory';
import { Role } from '../../src/auth/permissions';

describe('crisis flags notify the author’s supervisors (integration)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let clientA: string;
  const http = () => request(t.app.getHttpServer());
  const note = (riskFlags: string[]) => ({
    startedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    endedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    contactType: 'phone',
    format: 'narrative',
    sections: { narrative: 'Called after the weekend; talked through a safety plan.' },
    riskFlags,
  });

  beforeAll(async () => {
    t = await createTestApp();
    worker = await createWorker();
    org = await createTestOrg(t.app);
    clientA = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('should enqueue in the outbox on create and notify each supervisor once when the job runs twice', async () => {
    const second = await createUser(t.app, org.id, Role.Supervisor, [org.teamA]);
    const res = await http()
      .post(`/api/v1/clients/${clientA}/session-notes`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .set('X-Correlation-Id', 'trace-crisis-1')
      .send(note(['overdose_risk', 'housing_loss']))
      .expect(201);
    const noteId = res.body.id;
    const outbox = await t.dataSource.query(
      `SELECT job_name, job_id, payload FROM outbox WHERE payload->>'noteId' = $1`,
      [noteId],
    );
    expect(outbox).toEqual([
      {
        job_name: 'note.crisis-flag',
        job_id: `note-crisis-${noteId}`,
        payload: {
          organizationId: org.id,
          noteId,
          clientId: clientA,
          correlationId: 'trace-crisis-1',
        },
      },
    ]);
    const sut = worker.get(SessionNoteAlertsService);
    const payload = { organizationId: org.id, noteId, clientId: clientA };
    const first = await sut.crisisFlag(payload);
    const again = await sut.crisisFlag(payload);
    expect(first).toBeLessThanOrEqual(2); // the live worker may have delivered it already
    expect(again).toBe(0);
    const rows = await t.dataSource.query(
      `SELECT recipient_id, kind, client_id, data FROM notification WHERE resource_id = $1 ORDER BY recipient_id`,
      [noteId],
    );
    expect(rows).toEqual(
      [org.supervisorA.id, second.id].sort().map((id) => ({
        recipient_id: id,
        kind: 'note.crisis-flag',
        client_id: clientA,
        data: { riskFlags: 'overdose_risk' },
      })),
    );
  });

  it('should enqueue nothing for other risk flags, and notify nobody once the flag was removed', async () => {
    const res = await http()
      .post(`/api/v1/clients/${clientA}/session-notes`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .send(note(['housing_loss']))
      .expect(201);
    const rows = await t.dataSource.query(`SELECT 1 FROM outbox WHERE payload->>'noteId' = $1`, [
      res.body.id,
    ]);
    expect(rows).toEqual([]);
    const patched = await http()
      .patch(`/api/v1/session-notes/${res.body.id}`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .set('If-Match', '"1"')
      .send({ riskFlags: ['suicidal_ideation'] })
      .expect(200);
    const queued = await t.dataSource.query(`SELECT 1 FROM outbox WHERE payload->>'noteId' = $1`, [
      patched.body.id,
    ]);
    expect(queued).toHaveLength(1);
    await http()
      .patch(`/api/v1/session-notes/${res.body.id}`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .set('If-Match', '"2"')
      .send({ riskFlags: [] })
      .expect(200);
    expect(
      await worker
        .get(SessionNoteAlertsService)
        .crisisFlag({ organizationId: org.id, noteId: res.body.id, clientId: clientA }),
    ).toBe(0);
  });

  it('should also notify the client’s own supervisors when a covering peer of another team, or a supervisor, flags a crisis', async () => {
    const covered = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    await createCoverage(t.dataSource, {
      clientId: covered,
      specialistId: org.peerB1.id,
      endsAt: new Date(Date.now() + 3600_000),
    });
    const recipientsOf = async (token: string): Promise<string[]> => {
      const res = await http()
        .post(`/api/v1/clients/${covered}/session-notes`)
        .auth(token, { type: 'bearer' })
        .send(note(['suicidal_ideation']))
        .expect(201);
      await worker
        .get(SessionNoteAlertsService)
        .crisisFlag({ organizationId: org.id, noteId: res.body.id, clientId: covered });
      const rows = await t.dataSource.query(
        `SELECT recipient_id FROM notification WHERE resource_id = $1 ORDER BY recipient_id`,
        [res.body.id],
      );
      return rows.map((r: { recipient_id: string }) => r.recipient_id);
    };
    const teamASupervisors = await t.dataSource.query(
      `SELECT user_id FROM team_member WHERE team_id = $1 AND membership = 'supervisor' ORDER BY user_id`,
      [org.teamA],
    );
    const teamA = teamASupervisors.map((r: { user_id: string }) => r.user_id);
    expect(await recipientsOf(org.peerB1.token)).toEqual([...teamA, org.supervisorB.id].sort());
    // supervisorA writes it: the other supervisors of the client's team are told, not the author.
    expect(await recipientsOf(org.supervisorA.token)).toEqual(
      teamA.filter((id: string) => id !== org.supervisorA.id),
    );
  });

  it('should not alert a supervisor demoted before the crisis is raised, nor supervise through a promoted peer', async () => {
    const fresh = await createTestOrg(t.app);
    const second = await createUser(t.app, fresh.id, Role.Supervisor, [fresh.teamA]);
    const client = await createClient(t.dataSource, {
      organizationId: fresh.id,
      specialistId: fresh.peerA1.id,
    });
    await http()
      .patch(`/api/v1/users/${fresh.supervisorA.id}`)
      .set('If-Match', '"1"')
      .auth(fresh.admin.token, { type: 'bearer' })
      .send({ role: 'peer_specialist' })
      .expect(200);
    await http()
      .patch(`/api/v1/users/${fresh.peerA2.id}`)
      .set('If-Match', '"1"')
      .auth(fresh.admin.token, { type: 'bearer' })
      .send({ role: 'supervisor', teamIds: [fresh.teamB] })
      .expect(200);
    const res = await http()
      .post(`/api/v1/clients/${client}/session-notes`)
      .auth(fresh.peerA1.token, { type: 'bearer' })
      .send(note(['overdose_risk']))
      .expect(201);
    await worker
      .get(SessionNoteAlertsService)
      .crisisFlag({ organizationId: fresh.id, noteId: res.body.id, clientId: client });
    const rows = await t.dataSource.query(
      `SELECT recipient_id FROM notification WHERE resource_id = $1 ORDER BY recipient_id`,
      [res.body.id],
    );
    expect(rows).toEqual([{ recipient_id: second.id }]);
  });
});
