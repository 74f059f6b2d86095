import { randomUUID } from 'node:crypto';

import { INestApplicationContext } from '@nestjs/common';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import request from 'supertest';

import { SecurityNotificationsService } from '../../src/modules/notifications/security-notifications.service';
import { QueueName } from '../../src/queue/jobs';
import { OutboxRelayService } from '../../src/queue/outbox-relay.service';
import { PeriodicTaskHost } from '../../src/queue/periodic-task-host';
import { QueueWorkers } from '../../src/queue/queue-workers';
import { createWorker } from '../../src/worker';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { problem } from '../helpers/problem';

describe('worker: outbox relay and notification fan-out, end to end', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    worker = await createWorker();
    org = await createTestOrg(t.app);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('should notify the organization’s admins once when an account gets locked', async () => {
    for (let i = 0; i < 10; i++) {
      await http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `192.0.2.${i}`)
        .send({ email: org.peerA1.email, password: 'wrong-password' })
        .expect(401);
    }
    const inbox = await eventually(async () => {
      const res = await http()
        .get('/api/v1/notifications')
        .auth(org.admin.token, { type: 'bearer' })
        .expect(200);
      return res.body.items.length > 0 ? res.body.items : undefined;
    });
    expect(inbox).toEqual([
      {
        id: expect.any(String),
        kind: 'security.account-locked',
        resourceType: 'User',
        resourceId: org.peerA1.id,
        clientId: null,
        data: {},
        createdAt: expect.any(String),
        readAt: null,
      },
    ]);
    const [outbox] = await t.dataSource.query(
      `SELECT dispatched_at FROM outbox WHERE payload->>'userId' = $1`,
      [org.peerA1.id],
    );
    expect(outbox.dispatched_at).toBeInstanceOf(Date);
    // Supervisors and peers get nothing; the admin can mark it read.
    const sup = await http()
      .get('/api/v1/notifications')
      .auth(org.supervisorA.token, { type: 'bearer' })
      .expect(200);
    expect(sup.body.items).toEqual([]);
    const read = await http()
      .post(`/api/v1/notifications/${inbox[0].id}/read`)
      .auth(org.admin.token, { type: 'bearer' })
      .expect(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    await http()
      .post(`/api/v1/notifications/${inbox[0].id}/read`)
      .auth(org.supervisorA.token, { type: 'bearer' })
      .expect(404);
  });

  it('should have one effect when the same job is delivered twice', async () => {
    const payload = {
      organizationId: org.id,
      userId: org.peerA2.id,
      windowStartedAt: '2026-11-25T10:00:00.000Z',
    };
    const sut = worker.get(SecurityNotificationsService);
    expect(await sut.accountLocked(payload)).toBe(1);
    expect(await sut.accountLocked(payload)).toBe(0);
    const rows = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notification WHERE resource_id = $1`,
      [org.peerA2.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('should seal the organization’s audit events into the hash chain in the background', async () => {
    await eventually(async () => {
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE organization_id = $1 AND seq IS NULL`,
        [org.id],
      );
      return n === 0 ? true : undefined;
    });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE organization_id = $1`,
      [org.id],
    );
    expect(n).toBeGreaterThanOrEqual(10); // at least the ten failed logins
  });

  it('should leave nothing pending in the outbox after a relay pass', async () => {
    await worker.get(OutboxRelayService).relayOnce();
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`,
    );
    expect(n).toBe(0);
  });

  it('should run one consuming BullMQ worker per queue, and log, not throw, when one reports an error', () => {
    const workers = worker.get(QueueWorkers).workers;
    expect([...workers.keys()].sort()).toEqual(Object.values(QueueName).sort());
    for (const consumer of workers.values()) {
      expect(consumer.isRunning()).toBe(true);
      // An 'error' event without a listener would throw here (and crash the worker process).
      expect(() => consumer.emit('error', new Error('connection lost'))).not.toThrow();
    }
    expect(worker.get(QueueWorkers).stopped()).toEqual([]);
  });

  it('should run every periodic task of the worker in one host', () => {
    // The heartbeat runs only with WORKER_HEARTBEAT_FILE (graceful-shutdown.int-spec.ts).
    expect(worker.get(PeriodicTaskHost).running().sort()).toEqual([
      'audit partitions',
      'audit sealer',
      'disclosure purge',
      'follow-up reconciler',
      'idempotency purge',
      'outbox relay',
    ]);
  });

  it('should load no HTTP controller in the worker', () => {
    const controllers = (app: INestApplicationContext) =>
      new DiscoveryService(app.get(ModulesContainer)).getControllers().map((c) => c.name);
    expect(controllers(worker)).toEqual([]);
    // The same look at the API finds its controllers.
    expect(controllers(t.app)).toEqual(
      expect.arrayContaining(['AuditController', 'NotificationsController']),
    );
  });

  describe('GET /api/v1/notifications and POST /api/v1/notifications/:id/read', () => {
    let o: TestOrg;
    let unreadId: string;
    let readId: string;
    const insert = async (recipientId: string, readAt: Date | null): Promise<string> =>
      (
        await t.dataSource.query(
          `INSERT INTO notification (organization_id, recipient_id, kind, resource_type, resource_id, data, dedupe_key, read_at)
           VALUES ($1, $2, 'follow-up.reminder', 'FollowUp', $3, '{"n": 1}', $4, $5) RETURNING id`,
          [o.id, recipientId, randomUUID(), `test|${randomUUID()}`, readAt],
        )
      )[0].id;

    beforeAll(async () => {
      o = await createTestOrg(t.app);
      readId = await insert(o.peerA1.id, new Date('2026-01-01T00:00:00Z'));
      unreadId = await insert(o.peerA1.id, null);
    });

    it('should answer 401 without a token', async () => {
      await http().get('/api/v1/notifications').expect(401);
      await http().post(`/api/v1/notifications/${unreadId}/read`).expect(401);
      const [row] = await t.dataSource.query(`SELECT read_at FROM notification WHERE id = $1`, [
        unreadId,
      ]);
      expect(row.read_at).toBeNull();
    });

    it('should answer 400 with the exact errors for a bad query', async () => {
      const res = await http()
        .get('/api/v1/notifications?unread=maybe&limit=0')
        .auth(o.peerA1.token, { type: 'bearer' })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'limit', message: 'limit must not be less than 1' },
          { field: 'unread', message: 'unread must be a boolean value' },
        ]),
      );
    });

    it('should list only the unread ones with ?unread=true', async () => {
      const all = await http()
        .get('/api/v1/notifications')
        .auth(o.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(new Set(all.body.items.map((n: { id: string }) => n.id))).toEqual(
        new Set([readId, unreadId]),
      );
      const unread = await http()
        .get('/api/v1/notifications?unread=true')
        .auth(o.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(unread.body).toEqual({
        items: [
          {
            id: unreadId,
            kind: 'follow-up.reminder',
            resourceType: 'FollowUp',
            resourceId: expect.any(String),
            clientId: null,
            data: { n: 1 },
            createdAt: expect.any(String),
            readAt: null,
          },
        ],
        nextCursor: null,
      });
    });

    it('should store read_at on mark-read, keep it on a second mark-read, and 404 for another user', async () => {
      const res = await http()
        .post(`/api/v1/notifications/${unreadId}/read`)
        .auth(o.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(res.body).toMatchObject({ id: unreadId, readAt: expect.any(String) });
      const [row] = await t.dataSource.query(`SELECT read_at FROM notification WHERE id = $1`, [
        unreadId,
      ]);
      expect(row.read_at).toEqual(new Date(res.body.readAt));
      const again = await http()
        .post(`/api/v1/notifications/${unreadId}/read`)
        .auth(o.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(again.body.readAt).toBe(res.body.readAt);
      const other = await http()
        .post(`/api/v1/notifications/${readId}/read`)
        .auth(o.peerA2.token, { type: 'bearer' })
        .expect(404);
      expect(other.body).toEqual(problem(404, 'NOT_FOUND', 'Notification not found.'));
      const [untouched] = await t.dataSource.query(
        `SELECT read_at FROM notification WHERE id = $1`,
        [readId],
      );
      expect(untouched.read_at).toEqual(new Date('2026-01-01T00:00:00Z'));
    });
  });
});
