import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { loadConfig, resetConfigCache } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import { READ_REPLICA } from '../../src/database/read-replica';
import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { noteBody, PLAIN_TEXT } from '../helpers/api-world';
import { createTestApp, TestApp } from '../setup/create-test-app';

/** The URL `url` with database `name`. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * DATABASE_REPLICA_URL (issue 17 point 1): the lag-tolerant reads (dashboards, reports, the audit
 * search) go to the replica; everything a request wrote, and the rest, read the primary. The
 * "replica" here is a database of its own with the schema and none of the primary's rows, so each
 * read shows which one answered it (a real standby is the topology's: scripts/topology).
 */
describe('read replica (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let clientId: string;
  const config = loadConfig();
  const replicaName = `${new URL(config.db.url).pathname.slice(1)}_replica`;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    const admin = new Client({ connectionString: withDatabase(config.db.url, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${replicaName}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${replicaName}"`);
    await admin.end();
    const owner = createDataSource({ ...config.db, url: withDatabase(config.db.url, replicaName) });
    await owner.initialize();
    await owner.runMigrations({ transaction: 'each' });
    await owner.destroy();

    process.env.DATABASE_REPLICA_URL = withDatabase(config.db.appUrl, replicaName);
    resetConfigCache();
    t = await createTestApp();
    org = await createTestOrg(t.app);
    clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    delete process.env.DATABASE_REPLICA_URL;
    resetConfigCache();
  });

  it('should open a data source of its own on the replica', () => {
    const replica = t.app.get<DataSource>(READ_REPLICA);
    expect(replica).not.toBe(t.dataSource);
    expect(replica.options).toMatchObject({ url: process.env.DATABASE_REPLICA_URL });
  });

  it('should read a note the caller just wrote from the primary (read-your-writes)', async () => {
    const created = await http()
      .post(`/api/v1/clients/${clientId}/session-notes`)
      .auth(org.peerA1.token, bearer)
      .send(noteBody(PLAIN_TEXT))
      .expect(201);
    const list = await http()
      .get(`/api/v1/clients/${clientId}/session-notes`)
      .auth(org.peerA1.token, bearer)
      .expect(200);
    expect(list.body.items.map((n: { id: string }) => n.id)).toEqual([created.body.id]);
    await http().get(`/api/v1/clients/${clientId}`).auth(org.peerA1.token, bearer).expect(200);
  });

  it('should answer the dashboards, the reports and the audit search from the replica, auditing on the primary', async () => {
    const before = await countAuditEvents(t.dataSource, { organizationId: org.id });
    // The primary holds the supervisor's team, the client and its events; the replica none of them.
    const caseloads = await http()
      .get('/api/v1/caseloads')
      .auth(org.supervisorA.token, bearer)
      .expect(200);
    expect(caseloads.body.items).toEqual([]);
    const rates = await http()
      .get('/api/v1/reports/follow-up-rates')
      .query({ from: '2026-01-01', to: '2026-12-31' })
      .auth(org.admin.token, bearer)
      .expect(200);
    expect(rates.body.items.every((r: { discharges: number }) => r.discharges === 0)).toBe(true);
    const engagement = await http()
      .get('/api/v1/reports/engagement')
      .query({ from: '2026-01-01', to: '2026-12-31' })
      .auth(org.admin.token, bearer)
      .expect(200);
    expect(engagement.body).toMatchObject({ clientsSeen: 0, sessions: 0, discharges: 0 });
    const audit = await http()
      .get('/api/v1/audit-events')
      .auth(org.admin.token, bearer)
      .expect(200);
    expect(audit.body.items).toEqual([]);
    // Their audit events went to the primary (the audit search itself adds none).
    expect(await countAuditEvents(t.dataSource, { organizationId: org.id })).toBe(before + 3);
  });
});
