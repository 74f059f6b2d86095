import { get } from 'node:http';
import { AddressInfo } from 'node:net';

import { parse } from 'csv-parse/sync';
import request from 'supertest';

import { createClient, createFollowUp } from '../factories/client.factory';
import { insertCompletedContact, insertDischarge } from '../factories/discharge.factory';
import { createTestOrg, TestOrg, TestUser } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { poolOf } from '../../src/common/csv/csv';
import { eventually } from '../helpers/eventually';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 86_400_000;
const daysFromNow = (n: number) => new Date(Date.now() + n * DAY);
const TODAY = () => new Date().toISOString().slice(0, 10);

// Names a spreadsheet would evaluate; each must come back with a leading quote.
const HOSTILE = {
  first: '=HYPERLINK("http://evil.example","click")',
  last: '+SUM(1,2)',
  label: '@cmd|"/c calc"!A1',
  reason: '-2+3',
  tab: '\tTabbed',
};

/** A JSON value as the export writes it: what a CSV parser reads back. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return String(value);
}

function parseCsv(text: string): { header: string[]; records: Record<string, string>[] } {
  const [header] = parse(text, { to_line: 1 }) as string[][];
  return { header, records: parse(text, { columns: true }) as Record<string, string>[] };
}

describe('CSV exports (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const http = () => request(t.app.getHttpServer());
  const csv = (url: string, user?: TestUser) => {
    const req = http().get(url).set('Accept', 'text/csv');
    return user ? req.auth(user.token, bearer) : req;
  };
  /** Every item of a JSON list, page after page. */
  const allPages = async (url: string, user: TestUser): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const next: string = `${url}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res: request.Response = await http().get(next).auth(user.token, bearer).expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };
  const expectSameRows = (
    text: string,
    items: Record<string, unknown>[],
    map: (item: Record<string, unknown>) => Record<string, unknown> = (i) => i,
  ) => {
    const { header, records } = parseCsv(text);
    expect(records).toEqual(
      items.map((item) => {
        const flat = map(item);
        return Object.fromEntries(header.map((h) => [h, cell(flat[h])]));
      }),
    );
    return { header, records };
  };

  const c: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    const ds = t.dataSource;
    await ds.query(`UPDATE app_user SET first_name = $1, last_name = $2 WHERE id = $3`, [
      HOSTILE.first,
      HOSTILE.last,
      org.peerA2.id,
    ]);
    c.a1 = await createClient(ds, { organizationId: org.id, specialistId: org.peerA1.id });
    c.a2 = await createClient(ds, { organizationId: org.id, specialistId: org.peerA2.id });
    c.b1 = await createClient(ds, { organizationId: org.id, specialistId: org.peerB1.id });
    c.otherOrg = await createClient(ds, {
      organizationId: other.id,
      specialistId: other.peerA1.id,
    });
    for (const [clientId, ownerId] of [
      [c.a1, org.peerA1.id],
      [c.a2, org.peerA2.id],
      [c.b1, org.peerB1.id],
      [c.otherOrg, other.peerA1.id],
    ]) {
      const orgId = clientId === c.otherOrg ? other.id : org.id;
      for (let i = 0; i < 3; i++)
        await createFollowUp(ds, {
          organizationId: orgId,
          clientId,
          ownerId,
          dueAt: daysFromNow(i - 1),
        });
    }
    await ds.query(
      `UPDATE follow_up SET label = $1, status = 'cancelled', status_reason = $2
       WHERE id = (SELECT id FROM follow_up WHERE client_id = $3 ORDER BY due_at LIMIT 1)`,
      [HOSTILE.label, HOSTILE.reason, c.a1],
    );
    await ds.query(
      `UPDATE follow_up SET label = $1 WHERE id = (SELECT id FROM follow_up WHERE client_id = $2 ORDER BY due_at DESC LIMIT 1)`,
      [HOSTILE.tab, c.a2],
    );
    const dischargeId = await insertDischarge(ds, {
      organizationId: org.id,
      clientId: c.a1,
      levelOfCare: 'inpatient',
      dischargedAt: new Date('2026-01-10T12:00:00Z'),
    });
    await insertCompletedContact(ds, {
      organizationId: org.id,
      clientId: c.a1,
      dischargeId,
      completedAt: new Date('2026-01-13T12:00:00Z'),
    });
    await insertDischarge(ds, {
      organizationId: org.id,
      clientId: c.b1,
      levelOfCare: 'residential',
      dischargedAt: new Date('2026-01-12T12:00:00Z'),
    });
  });
  afterAll(() => t.close());

  const expectCsvHeaders = (res: request.Response, fileName: string) => {
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${fileName}"`);
  };

  describe('GET /api/v1/caseloads as CSV', () => {
    const URL = '/api/v1/caseloads';

    it('should answer 401 without a token and 403 for a peer specialist', async () => {
      const anonymous = await csv(URL).expect(401);
      expect(anonymous.headers['content-type']).toContain('application/problem+json');
      const res = await csv(URL, org.peerA1).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 400 with the exact errors for a bad limit', async () => {
      const res = await csv(`${URL}?limit=101`, org.supervisorA).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'limit', message: 'limit must not be greater than 100' },
        ]),
      );
    });

    it('should export the JSON summary of the supervisor’s teams, neutralised, audited like the JSON read', async () => {
      const before = await countAuditEvents(t.dataSource, {
        action: 'caseload.list',
        actorId: org.supervisorA.id,
      });
      const res = await csv(URL, org.supervisorA).expect(200);
      expectCsvHeaders(res, `caseloads_${TODAY()}.csv`);
      const items = await allPages(URL, org.supervisorA);
      const { header, records } = expectSameRows(res.text, items);
      expect(header).toEqual([
        'specialistId',
        'firstName',
        'lastName',
        'active',
        'activeClients',
        'caseloadCap',
        'noContact14Days',
        'overdueFollowUps',
        'followUpCompletionRate',
        'unsignedNotesOver72Hours',
        'notesAwaitingReview',
        'plansPastReview',
        'certificationStatus',
        'credential',
        'certificationExpiresOn',
      ]);
      // Team A only: peerB1 is another supervisor's, and the other organization is out.
      const ids = records.map((r) => r.specialistId);
      expect(ids).toEqual(expect.arrayContaining([org.peerA1.id, org.peerA2.id]));
      expect(ids).not.toContain(org.peerB1.id);
      expect(ids).not.toContain(other.peerA1.id);
      const hostile = records.find((r) => r.specialistId === org.peerA2.id);
      expect(hostile).toMatchObject({
        firstName: `'${HOSTILE.first}`,
        lastName: `'${HOSTILE.last}`,
      });
      // One event for the export, as for each JSON page read above.
      const pages = Math.max(1, Math.ceil(items.length / 100));
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'caseload.list',
          actorId: org.supervisorA.id,
        }),
      ).toBe(before + 1 + pages);
    });
  });

  describe('GET /api/v1/follow-ups as CSV', () => {
    const URL = '/api/v1/follow-ups';

    it('should answer 401 without a token and 403 for an admin', async () => {
      await csv(URL).expect(401);
      const res = await csv(URL, org.admin).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a client filter outside the caller’s scope', async () => {
      const res = await csv(`${URL}?clientId=${c.b1}`, org.peerA1).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
    });

    it('should answer 400 with the exact errors for unknown filters', async () => {
      const res = await csv(`${URL}?status=open`, org.peerA1).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'status',
            message:
              'status must be one of the following values: requested, ready, in-progress, completed, cancelled, failed, on-hold',
          },
        ]),
      );
    });

    it('should export every follow-up the JSON list holds, neutralised, one audit event per client', async () => {
      const res = await csv(URL, org.supervisorA).expect(200);
      expectCsvHeaders(res, `follow-ups_${TODAY()}.csv`);
      const items = await allPages(URL, org.supervisorA);
      const { records } = expectSameRows(res.text, items, (i) => ({
        ...i,
        attempts: (i.attempts as unknown[]).length,
      }));
      // team A's clients: three each for a1 and a2, and a1's completed contact after discharge
      expect(records).toHaveLength(7);
      expect(new Set(records.map((r) => r.clientId))).toEqual(new Set([c.a1, c.a2]));
      expect(records.map((r) => r.label)).toEqual(
        expect.arrayContaining([`'${HOSTILE.label}`, `'${HOSTILE.tab}`]),
      );
      expect(records.find((r) => r.label === `'${HOSTILE.label}`)?.statusReason).toBe(
        `'${HOSTILE.reason}`,
      );
      // The stored rows: the export's correlation id marks one event naming every client it holds.
      const events = await t.dataSource.query(
        `SELECT client_id, client_ids, actor_id, outcome FROM audit_event WHERE correlation_id = $1`,
        [res.headers['x-correlation-id']],
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        client_id: null,
        actor_id: org.supervisorA.id,
        outcome: 'success',
      });
      expect([...events[0].client_ids].sort()).toEqual([c.a1, c.a2].sort());
    });

    it('should apply the filters of the JSON list', async () => {
      const url = `${URL}?clientId=${c.a1}&status=cancelled`;
      const res = await csv(url, org.peerA1).expect(200);
      expectCsvHeaders(res, `follow-ups_cancelled_${TODAY()}.csv`);
      const items = await allPages(url, org.peerA1);
      expect(items).toHaveLength(1);
      expectSameRows(res.text, items, (i) => ({
        ...i,
        attempts: (i.attempts as unknown[]).length,
      }));
    });

    it('should write the header alone and one audit event without a client when nothing matches', async () => {
      const res = await csv(`${URL}?view=needs-assignment`, org.peerA1).expect(200);
      expect(res.text).toBe(
        'id,clientId,dischargeId,kind,label,status,dueAt,windowStart,windowEnd,ownerId,startedAt,completedAt,outcome,statusReason,sessionNoteId,unreachableAttempts,attempts,version,createdAt,updatedAt\n',
      );
      const events = await t.dataSource.query(
        `SELECT client_id, action FROM audit_event WHERE correlation_id = $1`,
        [res.headers['x-correlation-id']],
      );
      expect(events).toEqual([{ client_id: null, action: 'follow-up.list' }]);
    });
  });

  describe('GET /api/v1/reports/follow-up-rates as CSV', () => {
    const URL = '/api/v1/reports/follow-up-rates?from=2026-01-01&to=2026-01-31';

    it('should answer 401 without a token and 403 for a peer specialist', async () => {
      await csv(URL).expect(401);
      const res = await csv(URL, org.peerA1).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 400 with the exact errors for a missing period', async () => {
      const res = await csv('/api/v1/reports/follow-up-rates?from=2026-01-01', org.admin).expect(
        400,
      );
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'to', message: 'to must be a date (YYYY-MM-DD)' },
        ]),
      );
    });

    it('should export the JSON report line by line, scoped and audited like it', async () => {
      const before = await countAuditEvents(t.dataSource, {
        action: 'report.follow-up-rates',
        actorId: org.supervisorA.id,
      });
      const res = await csv(URL, org.supervisorA).expect(200);
      expectCsvHeaders(res, 'follow-up-rates_2026-01-01_2026-01-31.csv');
      const json = await http().get(URL).auth(org.supervisorA.token, bearer).expect(200);
      const { header, records } = expectSameRows(res.text, json.body.items, (i) => ({
        from: json.body.from,
        to: json.body.to,
        basis: json.body.basis,
        ...i,
      }));
      expect(header).toEqual([
        'from',
        'to',
        'basis',
        'levelOfCare',
        'discharges',
        'within7Days',
        'within30Days',
        'rate7',
        'rate30',
      ]);
      // Team A's inpatient discharge counts; team B's residential one is another supervisor's.
      expect(records.find((r) => r.levelOfCare === 'inpatient')).toMatchObject({
        discharges: '1',
        within7Days: '1',
        rate7: '1',
      });
      expect(records.find((r) => r.levelOfCare === 'residential')).toMatchObject({
        discharges: '0',
        rate7: '',
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'report.follow-up-rates',
          actorId: org.supervisorA.id,
        }),
      ).toBe(before + 2);
    });
  });

  describe('GET /api/v1/audit-events as CSV', () => {
    const URL = '/api/v1/audit-events';

    it('should answer 401 without a token and 403 for a supervisor, whose JSON search still works', async () => {
      await csv(URL).expect(401);
      const res = await csv(URL, org.supervisorA).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'audit.export',
          actorId: org.supervisorA.id,
          outcome: 'denied',
        }),
      ).toBe(1);
      await http().get(URL).auth(org.supervisorA.token, bearer).expect(200);
      await csv(URL, org.peerA1).expect(403);
    });

    it('should answer 400 with the exact errors for a bad period', async () => {
      const res = await csv(`${URL}?from=yesterday`, org.admin).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'from', message: 'from must be a valid ISO 8601 date string' },
        ]),
      );
    });

    it('should export the organization’s search as the JSON search reads it, without adding events', async () => {
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const to = new Date(Date.now() + 3_600_000).toISOString();
      const url = `${URL}?from=${from}&to=${to}`;
      const before = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE organization_id = $1`,
        [org.id],
      );
      const res = await csv(url, org.admin).expect(200);
      const after = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE organization_id = $1`,
        [org.id],
      );
      expect(after[0].n).toBe(before[0].n);
      expectCsvHeaders(res, `audit-events_${from.replace(/:/g, '-')}_${to.replace(/:/g, '-')}.csv`);
      const items = await allPages(url, org.admin);
      const { header, records } = expectSameRows(res.text, items);
      expect(header).toEqual([
        'id',
        'occurredAt',
        'actorId',
        'actorRole',
        'action',
        'clientId',
        'resourceType',
        'resourceId',
        'outcome',
        'correlationId',
      ]);
      expect(records.length).toBe(before[0].n);
      expect(records.length).toBeGreaterThan(10);
    });
  });

  it('should give the database connection back at once when the client disconnects mid-download', async () => {
    // 100,000 events of the other organization: megabytes of CSV, far more than socket buffers.
    await t.dataSource.query(
      `INSERT INTO audit_event (organization_id, actor_type, action, outcome)
       SELECT $1, 'system', 'csv.disconnect-probe', 'success' FROM generate_series(1, 100000)`,
      [other.id],
    );
    const pool = poolOf(t.dataSource);
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, resolve));
    const { port } = server.address() as AddressInfo;
    const exportBackends = async (): Promise<{ pid: number; state: string }[]> =>
      t.dataSource.query(
        `SELECT pid, state FROM pg_stat_activity
         WHERE query LIKE '%AS "correlationId"%' AND pid <> pg_backend_pid()`,
      );
    const req = get({
      port,
      path: '/api/v1/audit-events?action=csv.disconnect-probe',
      headers: { accept: 'text/csv', authorization: `Bearer ${other.admin.token}` },
    });
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      req.once('response', resolve),
    );
    expect(res.statusCode).toBe(200);
    const first = await new Promise<string>((resolve) =>
      res.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    );
    res.pause();
    expect(first.startsWith('id,occurredAt,')).toBe(true);
    // Mid-download: the export holds one connection, its backend is in the export's transaction.
    expect(pool.totalCount - pool.idleCount).toBe(1);
    expect(await exportBackends()).toEqual([
      { pid: expect.any(Number), state: expect.any(String) },
    ]);
    req.destroy();
    await eventually(async () => (pool.totalCount - pool.idleCount === 0 ? true : undefined), 2000);
    await eventually(async () => ((await exportBackends()).length === 0 ? true : undefined), 2000);
    expect(await exportBackends()).toEqual([]);
  });

  it('should keep JSON when the Accept header prefers it', async () => {
    const res = await http()
      .get('/api/v1/caseloads')
      .set('Accept', 'application/json, text/csv;q=0.5')
      .auth(org.supervisorA.token, bearer)
      .expect(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.body.items.length).toBeGreaterThan(0);
  });
});
