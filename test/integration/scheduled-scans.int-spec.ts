import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import request from 'supertest';

import { Role } from '../../src/auth/permissions';
import { resetConfigCache } from '../../src/config/configuration';
import { ScheduledScansService } from '../../src/modules/scheduled-scans/scheduled-scans.service';
import { JobHandlerRegistry } from '../../src/queue/job-handler-registry';
import { JobSchedulerService } from '../../src/queue/job-scheduler.service';
import { JobName, QueueName } from '../../src/queue/jobs';
import { createWorker } from '../../src/worker';
import { createCertification, createClient } from '../factories/client.factory';
import { createPlan } from '../factories/recovery-plan.factory';
import { createTestOrg, createUser, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 24 * 3600_000;
const SCANS = [
  JobName.ScanCertificationExpiry,
  JobName.ScanConsentExpiry,
  JobName.ScanNoContact,
  JobName.ScanPlanReviewDue,
  JobName.ScanRecoveryMilestones,
];

describe('scheduled scans (integration)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let sut: ScheduledScansService;
  // One instant for the whole file, so that "today" cannot change between setup and scan.
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  const day = (offset: number) => new Date(now.getTime() + offset * DAY).toISOString().slice(0, 10);
  const byId = (ids: string[]) => [...ids].sort().map((id) => ({ recipient_id: id }));

  const rowsFor = (resourceId: string, kind: string) =>
    t.dataSource.query(
      `SELECT recipient_id, data, client_id, resource_type FROM notification
       WHERE resource_id = $1 AND kind = $2 ORDER BY recipient_id`,
      [resourceId, kind],
    );
  const recipientsOf = async (resourceId: string, kind: string) =>
    (await rowsFor(resourceId, kind)).map((r: { recipient_id: string }) => ({
      recipient_id: r.recipient_id,
    }));
  const client = async (
    over: Parameters<typeof createClient>[1] | object = {},
    sql = '',
    params: unknown[] = [],
  ) => {
    const id = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
      ...over,
    });
    if (sql) await t.dataSource.query(`UPDATE client SET ${sql} WHERE id = $1`, [id, ...params]);
    return id;
  };
  /** Two scans at once (two workers), then a third: every case below must still hold one notification each. */
  const scanRepeatedly = async (scan: () => Promise<number>) => {
    const [a, b] = await Promise.all([scan(), scan()]);
    expect(await scan()).toBe(0);
    return a + b;
  };

  beforeAll(async () => {
    t = await createTestApp();
    process.env.SCHEDULED_SCAN_INTERVAL_MS = '3600000';
    resetConfigCache();
    worker = await createWorker();
    org = await createTestOrg(t.app);
    sut = worker.get(ScheduledScansService);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    delete process.env.SCHEDULED_SCAN_INTERVAL_MS;
    resetConfigCache();
  });

  describe('when the worker boots', () => {
    const queue = () =>
      worker.get<Queue>(getQueueToken(QueueName.ScheduledScans), { strict: false });

    it('should register one job scheduler per scan in Redis, idempotently, and have every job handled', async () => {
      expect(worker.get(JobHandlerRegistry).handledJobs().sort()).toEqual(
        Object.values(JobName).sort(),
      );
      const summary = async () =>
        (await queue().getJobSchedulers())
          .map((s) => ({ key: s.key, name: s.name, every: Number(s.every), next: s.next }))
          .sort((a, b) => a.key.localeCompare(b.key));
      const registered = await summary();
      expect(registered).toEqual(
        SCANS.map((name) => ({ key: name, name, every: 3600_000, next: expect.any(Number) })),
      );
      // A second boot (another worker, a restart) upserts the same schedulers: nothing new.
      await worker.get(JobSchedulerService).onApplicationBootstrap();
      expect(await summary()).toEqual(registered);
    });

    it('should run every scan once right away through BullMQ', async () => {
      const done = await eventually(async () => {
        const jobs = await queue().getJobs(['completed']);
        const names = [...new Set(jobs.map((j) => j.name))].sort();
        return names.length === SCANS.length ? names : undefined;
      });
      expect(done).toEqual(SCANS);
      expect(await queue().getJobs(['failed'])).toEqual([]);
    });
  });

  describe('certification expiry', () => {
    it('should remind the specialist and their team supervisors at the smallest threshold reached, once', async () => {
      const cases: [number, number | null][] = [
        [61, null],
        [60, 60],
        [31, 60],
        [30, 30],
        [8, 30],
        [7, 7],
        [0, 7],
        [-1, null],
      ];
      const certs = [];
      for (const [daysLeft, threshold] of cases) {
        const id = await createCertification(t.dataSource, {
          organizationId: org.id,
          userId: org.peerA1.id,
          credential: `CPRS-${daysLeft}`,
          expiresOn: day(daysLeft),
        });
        certs.push({ id, daysLeft, threshold });
      }
      // Renewed: a later certificate of the same credential supersedes the expiring one.
      const renewed = await createCertification(t.dataSource, {
        organizationId: org.id,
        userId: org.peerB1.id,
        credential: 'CPRC',
        expiresOn: day(7),
      });
      await createCertification(t.dataSource, {
        organizationId: org.id,
        userId: org.peerB1.id,
        credential: 'CPRC',
        expiresOn: day(700),
        issuedOn: today,
      });
      // A deactivated specialist is reminded of nothing.
      const gone = await createUser(t.app, org.id, Role.PeerSpecialist, [org.teamB]);
      await t.dataSource.query(`UPDATE app_user SET active = false WHERE id = $1`, [gone.id]);
      const goneCert = await createCertification(t.dataSource, {
        organizationId: org.id,
        userId: gone.id,
        expiresOn: day(7),
      });
      // Team B's peer: team B's supervisor only.
      const teamB = await createCertification(t.dataSource, {
        organizationId: org.id,
        userId: org.peerB1.id,
        credential: 'NCPRSS',
        expiresOn: day(30),
      });

      expect(await scanRepeatedly(() => sut.certificationExpiry(now))).toBeGreaterThanOrEqual(12);

      for (const c of certs) {
        const rows = await rowsFor(c.id, 'certification.expiring');
        if (c.threshold === null) {
          expect({ daysLeft: c.daysLeft, rows }).toEqual({ daysLeft: c.daysLeft, rows: [] });
          continue;
        }
        expect(rows).toEqual(
          byId([org.peerA1.id, org.supervisorA.id]).map((r) => ({
            ...r,
            resource_type: 'SpecialistCertification',
            client_id: null,
            data: {
              specialistId: org.peerA1.id,
              thresholdDays: c.threshold,
              daysLeft: c.daysLeft,
              expiresOn: day(c.daysLeft),
            },
          })),
        );
      }
      expect(await recipientsOf(renewed, 'certification.expiring')).toEqual([]);
      expect(await recipientsOf(goneCert, 'certification.expiring')).toEqual([]);
      expect(await recipientsOf(teamB, 'certification.expiring')).toEqual(
        byId([org.peerB1.id, org.supervisorB.id]),
      );
    });
    it('should not remind a supervisor demoted before the scan, only the team’s current supervisors', async () => {
      const fresh = await createTestOrg(t.app);
      const second = await createUser(t.app, fresh.id, Role.Supervisor, [fresh.teamA]);
      await request(t.app.getHttpServer())
        .patch(`/api/v1/users/${fresh.supervisorA.id}`)
        .set('If-Match', '"1"')
        .auth(fresh.admin.token, { type: 'bearer' })
        .send({ role: 'peer_specialist' })
        .expect(200);
      const cert = await createCertification(t.dataSource, {
        organizationId: fresh.id,
        userId: fresh.peerA1.id,
        expiresOn: day(7),
      });
      await sut.certificationExpiry(now);
      expect(await recipientsOf(cert, 'certification.expiring')).toEqual(
        byId([fresh.peerA1.id, second.id]),
      );
    });
  });

  describe('recovery plan review due', () => {
    const planDue = async (clientId: string, reviewDueAt: string, status = 'active') => {
      const { id } = await createPlan(
        t.dataSource,
        { id: clientId, organizationId: org.id },
        { status: status as 'active' },
      );
      await t.dataSource.query(`UPDATE recovery_plan SET review_due_at = $2 WHERE id = $1`, [
        id,
        reviewDueAt,
      ]);
      return id;
    };

    it('should tell the primary specialist about active plans due within 7 days or overdue, once per review date', async () => {
      const inside = await planDue(await client({ lastName: 'Zyxwvut' }), day(7));
      const outside = await planDue(await client(), day(8));
      const overdue = await planDue(await client(), day(-3));
      const draft = await planDue(await client(), today, 'draft');
      const closedClient = await planDue(await client({ status: 'closed' }), today);
      const unassigned = await planDue(await client({ specialistId: null }), day(1));

      await scanRepeatedly(() => sut.planReviewDue(now));

      const rows = await rowsFor(inside, 'plan.review-due');
      expect(rows).toEqual([
        {
          recipient_id: org.peerA1.id,
          resource_type: 'RecoveryPlan',
          client_id: expect.any(String),
          data: { planId: inside, daysUntilDue: 7, overdue: false },
        },
      ]);
      expect(JSON.stringify(rows[0].data)).not.toMatch(/Zyxwvut|Test plan|Keeps|1990/);
      expect((await rowsFor(overdue, 'plan.review-due'))[0].data).toEqual({
        planId: overdue,
        daysUntilDue: -3,
        overdue: true,
      });
      expect(await recipientsOf(overdue, 'plan.review-due')).toEqual(byId([org.peerA1.id]));
      expect(await recipientsOf(outside, 'plan.review-due')).toEqual([]);
      expect(await recipientsOf(draft, 'plan.review-due')).toEqual([]);
      expect(await recipientsOf(closedClient, 'plan.review-due')).toEqual([]);
      // Unassigned: the organization's supervisors, whose queue "needs assignment" is.
      expect(await recipientsOf(unassigned, 'plan.review-due')).toEqual(
        byId([org.supervisorA.id, org.supervisorB.id]),
      );

      // A new review date is announced again; the old one stays single.
      await t.dataSource.query(`UPDATE recovery_plan SET review_due_at = $2 WHERE id = $1`, [
        overdue,
        day(5),
      ]);
      expect(await scanRepeatedly(() => sut.planReviewDue(now))).toBeGreaterThanOrEqual(1);
      expect(await recipientsOf(overdue, 'plan.review-due')).toEqual(
        byId([org.peerA1.id, org.peerA1.id]),
      );
    });
  });

  describe('recovery milestones', () => {
    const startedDaysAgo = (days: number, over: object = {}) =>
      client(over, `recovery_start_date = $2::date - $3::int`, [today, days]);
    const startedAgo = (span: string, plusDays = 0, over: object = {}) =>
      client(over, `recovery_start_date = ($2::date - $3::interval)::date + $4::int`, [
        today,
        span,
        plusDays,
      ]);

    it('should celebrate each milestone with the primary specialist in the week after it, once', async () => {
      const cases: [string, Promise<string>, string | null][] = [
        ['29 days', startedDaysAgo(29), null],
        ['30 days', startedDaysAgo(30), '30-days'],
        ['36 days', startedDaysAgo(36), '30-days'],
        ['37 days (a week late)', startedDaysAgo(37), null],
        ['60 days', startedDaysAgo(60), '60-days'],
        ['90 days', startedDaysAgo(90), '90-days'],
        ['6 months', startedAgo('6 months'), '6-months'],
        ['6 months less a day', startedAgo('6 months', 1), null],
        ['1 year', startedAgo('1 year'), '1-year'],
        ['1 year less a day', startedAgo('1 year', 1), null],
        ['30 days, unassigned', startedDaysAgo(30, { specialistId: null }), null],
        ['30 days, inactive client', startedDaysAgo(30, { status: 'inactive' }), null],
      ];
      const clients = await Promise.all(
        cases.map(async ([what, id, m]) => ({ what, id: await id, m })),
      );

      await scanRepeatedly(() => sut.recoveryMilestones(now));

      for (const c of clients) {
        const rows = await rowsFor(c.id, 'client.milestone');
        const expected = c.m
          ? [
              {
                recipient_id: org.peerA1.id,
                resource_type: 'Client',
                client_id: c.id,
                data: { milestone: c.m },
              },
            ]
          : [];
        expect({ what: c.what, rows }).toEqual({ what: c.what, rows: expected });
      }
    });

    it('should show the peer their milestone at GET /api/v1/notifications, and nobody else', async () => {
      const id = await startedDaysAgo(90, { specialistId: org.peerA2.id });
      await sut.recoveryMilestones(now);
      const inbox = async (token: string) =>
        (
          await request(t.app.getHttpServer())
            .get('/api/v1/notifications')
            .auth(token, { type: 'bearer' })
            .expect(200)
        ).body.items.filter((n: { clientId: string }) => n.clientId === id);
      expect(await inbox(org.peerA2.token)).toEqual([
        {
          id: expect.any(String),
          kind: 'client.milestone',
          resourceType: 'Client',
          resourceId: id,
          clientId: id,
          data: { milestone: '90-days' },
          createdAt: expect.any(String),
          readAt: null,
        },
      ]);
      expect(await inbox(org.peerA1.token)).toEqual([]);
      expect(await inbox(org.supervisorA.token)).toEqual([]);
    });
  });

  describe('no contact for 14 days', () => {
    it('should tell the primary specialist (or the supervisors when unassigned) once per lapse', async () => {
      const ago = (days: number, minutes = 0) =>
        new Date(now.getTime() - days * DAY + minutes * 60_000);
      const lapsed = await client({ lastContactAt: ago(14), lastName: 'Qwertyuiop' });
      const notYet = await client({ lastContactAt: ago(14, 1) });
      const never = await client({}, `created_at = $2`, [ago(15)]);
      const newClient = await client({}, `created_at = $2`, [ago(13)]);
      const unassigned = await client({ specialistId: null, lastContactAt: ago(20) });
      const inactive = await client({ status: 'inactive', lastContactAt: ago(30) });
      const goneSpecialist = await createUser(t.app, org.id, Role.PeerSpecialist, [org.teamA]);
      await t.dataSource.query(`UPDATE app_user SET active = false WHERE id = $1`, [
        goneSpecialist.id,
      ]);
      const orphaned = await client({ specialistId: goneSpecialist.id, lastContactAt: ago(20) });

      await scanRepeatedly(() => sut.noContact(now));

      const rows = await rowsFor(lapsed, 'client.no-contact');
      expect(rows).toEqual([
        {
          recipient_id: org.peerA1.id,
          resource_type: 'Client',
          client_id: lapsed,
          data: { thresholdDays: 14, neverContacted: false },
        },
      ]);
      expect(JSON.stringify(rows[0].data)).not.toMatch(/Qwertyuiop|1990/);
      expect((await rowsFor(never, 'client.no-contact'))[0].data).toEqual({
        thresholdDays: 14,
        neverContacted: true,
      });
      expect(await recipientsOf(notYet, 'client.no-contact')).toEqual([]);
      expect(await recipientsOf(newClient, 'client.no-contact')).toEqual([]);
      expect(await recipientsOf(inactive, 'client.no-contact')).toEqual([]);
      const supervisors = byId([org.supervisorA.id, org.supervisorB.id]);
      expect(await recipientsOf(unassigned, 'client.no-contact')).toEqual(supervisors);
      expect(await recipientsOf(orphaned, 'client.no-contact')).toEqual(supervisors);

      // A new contact: nothing until it lapses in turn, then once more.
      await t.dataSource.query(`UPDATE client SET last_contact_at = $2 WHERE id = $1`, [
        lapsed,
        ago(1),
      ]);
      await sut.noContact(now);
      expect(await recipientsOf(lapsed, 'client.no-contact')).toHaveLength(1);
      await scanRepeatedly(() => sut.noContact(new Date(now.getTime() + 13 * DAY)));
      expect(await recipientsOf(lapsed, 'client.no-contact')).toEqual(
        byId([org.peerA1.id, org.peerA1.id]),
      );
    });
  });

  describe('consent expiry', () => {
    it('should remind the client’s specialist 30 and 7 days before a consent expires, once each', async () => {
      const [ehr] = await t.dataSource.query(
        `INSERT INTO api_client (organization_id, name, client_id, secret_hash, scopes)
         VALUES ($1, 'Valley EHR', $2, '\\x00', '{}') RETURNING id`,
        [org.id, `ehr-${now.getTime()}`],
      );
      const consent = async (clientId: string, daysLeft: number, revoked = false) => {
        const [row] = await t.dataSource.query(
          `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories, effective_at,
             expires_at, signed_at, signature_method, revoked_at)
           VALUES ($1, $2, $3, '{treatment}', '{demographics}', $4, $5, $4, 'written', $6) RETURNING id`,
          [
            org.id,
            clientId,
            ehr.id,
            new Date(now.getTime() - 300 * DAY),
            new Date(now.getTime() + daysLeft * DAY - 60_000),
            revoked ? now : null,
          ],
        );
        return row.id as string;
      };
      const soon = await consent(await client(), 20);
      const later = await consent(await client(), 45);
      const revoked = await consent(await client(), 5, true);
      const unassigned = await consent(await client({ specialistId: null }), 6);
      const closed = await consent(await client({ status: 'closed' }), 6);

      await scanRepeatedly(() => sut.consentExpiry(now));

      const rows = await rowsFor(soon, 'consent.expiring');
      expect(rows).toEqual([
        {
          recipient_id: org.peerA1.id,
          resource_type: 'Consent',
          client_id: expect.any(String),
          data: { consentId: soon, apiClientId: ehr.id, thresholdDays: 30, daysLeft: 20 },
        },
      ]);
      expect(await recipientsOf(later, 'consent.expiring')).toEqual([]);
      expect(await recipientsOf(revoked, 'consent.expiring')).toEqual([]);
      expect(await recipientsOf(closed, 'consent.expiring')).toEqual([]);
      expect(await recipientsOf(unassigned, 'consent.expiring')).toEqual(
        byId([org.supervisorA.id, org.supervisorB.id]),
      );
      // 13 days on, 7 days are left: the second reminder, once.
      await scanRepeatedly(() => sut.consentExpiry(new Date(now.getTime() + 13 * DAY)));
      const again = await rowsFor(soon, 'consent.expiring');
      expect(
        again.map((r: { data: { thresholdDays: number } }) => r.data.thresholdDays).sort(),
      ).toEqual([30, 7].sort());
    });
  });
});
