import { randomUUID } from 'node:crypto';

import { Role } from '../../src/auth/permissions';
import { UserPrincipal } from '../../src/auth/principal';
import { RequestContext } from '../../src/common/http/request-context';
import { AuditActor, AuditService } from '../../src/modules/audit/audit.service';
import { UnitOfWork } from '../../src/modules/audit/unit-of-work';
import { JobName } from '../../src/queue/jobs';
import { createOrganization } from '../factories/people.factory';
import { captureStatements } from '../helpers/sql-statements';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('UnitOfWork (integration)', () => {
  let t: TestApp;
  let uow: UnitOfWork;
  let organizationId: string;

  beforeAll(async () => {
    t = await createTestApp();
    uow = t.app.get(UnitOfWork);
    organizationId = await createOrganization(t.dataSource);
  });
  afterAll(() => t.close());

  /** A principal in a request that claimed `key` (as the idempotency interceptor leaves it). */
  async function claimed(key: string): Promise<{ principal: UserPrincipal; ctx: RequestContext }> {
    const principal: UserPrincipal = {
      kind: 'user',
      id: randomUUID(),
      organizationId,
      role: Role.Admin,
      sessionId: randomUUID(),
    };
    const ctx: RequestContext = {
      correlationId: randomUUID(),
      idempotencyClaim: { principalId: principal.id, key },
    };
    principal.context = ctx;
    await t.dataSource.query(
      `INSERT INTO idempotency_key (principal_id, key, route, request_hash, state)
       VALUES ($1, $2, 'POST /api/v1/test', '\\x00', 'in_flight')`,
      [principal.id, key],
    );
    return { principal, ctx };
  }

  const keyState = async (principalId: string): Promise<string> =>
    (
      await t.dataSource.query(`SELECT state FROM idempotency_key WHERE principal_id = $1`, [
        principalId,
      ])
    )[0].state;
  const events = (correlationId: string): Promise<Record<string, unknown>[]> =>
    t.dataSource.query(
      `SELECT action, client_id, resource_type, resource_id, actor_role
         FROM audit_event WHERE correlation_id = $1 ORDER BY action`,
      [correlationId],
    );
  const outboxRows = (jobId: string): Promise<{ payload: { correlationId: string } }[]> =>
    t.dataSource.query(`SELECT payload FROM outbox WHERE job_id = $1`, [jobId]);

  const job = (jobId: string, userId: string) => ({
    name: JobName.AccountLocked,
    jobId,
    payload: { organizationId, userId, windowStartedAt: new Date().toISOString() },
  });

  it('should write the audit events, the outbox rows and the key commit together, in one INSERT each', async () => {
    const { principal, ctx } = await claimed('uow-commit');
    const [clientA, clientB] = [randomUUID(), randomUUID()];
    const jobId = `uow-${randomUUID()}`;
    const seen = await captureStatements(() =>
      uow.run(principal, async (tx) => {
        tx.audit({
          action: 'test.first',
          clientId: clientA,
          resourceType: 'Thing',
          resourceId: 'x',
        });
        tx.audit({ action: 'test.second', clientId: clientB, resourceType: 'Other' });
        tx.enqueue([job(jobId, principal.id)]);
        return 'done';
      }),
    );
    expect(seen.filter((s) => /INSERT INTO audit_event/.test(s.text))).toHaveLength(1);
    expect(seen.filter((s) => /INSERT INTO outbox/.test(s.text))).toHaveLength(1);
    expect(seen.filter((s) => /UPDATE idempotency_key/.test(s.text))).toHaveLength(1);

    expect(await events(ctx.correlationId)).toEqual([
      {
        action: 'test.first',
        client_id: clientA,
        resource_type: 'Thing',
        resource_id: 'x',
        actor_role: 'admin',
      },
      {
        action: 'test.second',
        client_id: clientB,
        resource_type: 'Other',
        resource_id: null,
        actor_role: 'admin',
      },
    ]);
    const rows = await outboxRows(jobId);
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.correlationId).toBe(ctx.correlationId);
    expect(await keyState(principal.id)).toBe('committed');
    // What a replay re-checks and names: every client audited, the first resource.
    expect(ctx.idempotencyClaim).toMatchObject({
      clientIds: new Set([clientA, clientB]),
      resourceType: 'Thing',
      resourceId: 'x',
    });
  });

  it('should roll the write, its audit events, its outbox rows and the key commit back together', async () => {
    const { principal, ctx } = await claimed('uow-rollback');
    const jobId = `uow-${randomUUID()}`;
    const name = `Rolled back ${randomUUID()}`;
    await expect(
      uow.run(principal, async (tx) => {
        await tx.manager.query(`INSERT INTO team (organization_id, name) VALUES ($1, $2)`, [
          organizationId,
          name,
        ]);
        tx.audit({ action: 'test.rolled-back', clientId: randomUUID(), resourceType: 'Team' });
        tx.enqueue([job(jobId, principal.id)]);
        // Fails inside the unit's own writes: nothing of the unit may stay.
        await tx.manager.query(`INSERT INTO team (organization_id, name) VALUES ($1, $2)`, [
          organizationId,
          name,
        ]);
      }),
    ).rejects.toThrow();
    expect(await t.dataSource.query(`SELECT 1 FROM team WHERE name = $1`, [name])).toEqual([]);
    expect(await events(ctx.correlationId)).toEqual([]);
    expect(await outboxRows(jobId)).toEqual([]);
    expect(await keyState(principal.id)).toBe('in_flight');
    expect(ctx.idempotencyClaim?.clientIds).toBeUndefined();
  });

  it('should roll back what it wrote last when its own audit INSERT fails', async () => {
    const { principal, ctx } = await claimed('uow-audit-fails');
    const jobId = `uow-${randomUUID()}`;
    const name = `Audit fails ${randomUUID()}`;
    await expect(
      uow.run(principal, async (tx) => {
        await tx.manager.query(`INSERT INTO team (organization_id, name) VALUES ($1, $2)`, [
          organizationId,
          name,
        ]);
        tx.enqueue([job(jobId, principal.id)]);
        tx.audit({ action: 'test.bad', clientId: 'not-a-uuid' });
      }),
    ).rejects.toThrow();
    expect(await t.dataSource.query(`SELECT 1 FROM team WHERE name = $1`, [name])).toEqual([]);
    expect(await events(ctx.correlationId)).toEqual([]);
    expect(await outboxRows(jobId)).toEqual([]);
    expect(await keyState(principal.id)).toBe('in_flight');
  });

  it('should leave the key alone for a unit that audited nothing, and run a system actor without any key', async () => {
    const { principal } = await claimed('uow-nothing');
    const seen = await captureStatements(() => uow.run(principal, async () => undefined));
    expect(seen.some((s) => /idempotency_key|audit_event|outbox/.test(s.text))).toBe(false);
    expect(await keyState(principal.id)).toBe('in_flight');

    const system: AuditActor = {
      organizationId,
      actorId: null,
      actorType: 'system',
      actorRole: null,
      correlationId: randomUUID(),
    };
    const jobId = `uow-${randomUUID()}`;
    const sql = await captureStatements(() =>
      uow.run(system, async (tx) => {
        tx.audit({ action: 'test.system' });
        tx.enqueue([job(jobId, randomUUID())]);
      }),
    );
    expect(sql.some((s) => /idempotency_key/.test(s.text))).toBe(false);
    expect(await events(system.correlationId!)).toEqual([
      {
        action: 'test.system',
        client_id: null,
        resource_type: null,
        resource_id: null,
        actor_role: null,
      },
    ]);
    expect((await outboxRows(jobId))[0].payload.correlationId).toBe(system.correlationId);
  });

  it('should never commit a key from AuditService.record, even inside a transaction', async () => {
    const { principal, ctx } = await claimed('uow-record');
    const audit = t.app.get(AuditService);
    await t.dataSource.transaction((m) =>
      audit.record(m, principal, { action: 'test.record', clientId: randomUUID() }),
    );
    await audit.recordNow(principal, { action: 'test.record-now' });
    expect(await events(ctx.correlationId)).toHaveLength(2);
    expect(await keyState(principal.id)).toBe('in_flight');
    expect(ctx.idempotencyClaim?.clientIds).toBeUndefined();
  });

  it('should write a unit of many events in INSERTs of 1,000 (Postgres binds at most 65,535 values)', async () => {
    const { principal, ctx } = await claimed('uow-many');
    const seen = await captureStatements(() =>
      uow.run(principal, async (tx) => {
        for (let i = 0; i < 2500; i++) tx.audit({ action: 'test.many', clientId: randomUUID() });
      }),
    );
    expect(seen.filter((s) => /INSERT INTO audit_event/.test(s.text))).toHaveLength(3);
    expect(await events(ctx.correlationId)).toHaveLength(2500);
    expect(ctx.idempotencyClaim?.clientIds?.size).toBe(2500);
    expect(await keyState(principal.id)).toBe('committed');
  });
});
