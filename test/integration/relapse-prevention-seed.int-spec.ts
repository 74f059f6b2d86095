import { DataSource } from 'typeorm';

import { loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import { seedRelapsePreventionPlans } from '../../src/database/seeds/relapse-prevention.seed';
import { createClient } from '../factories/client.factory';

describe('seedRelapsePreventionPlans (integration)', () => {
  let ds: DataSource;
  const newOrg = async (): Promise<string> =>
    (await ds.query(`INSERT INTO organization (name) VALUES ('Seed test org') RETURNING id`))[0].id;
  const newPeer = async (org: string): Promise<string> =>
    (
      await ds.query(
        `INSERT INTO app_user (organization_id, email, password_hash, first_name, last_name, role)
         VALUES ($1, gen_random_uuid() || '@seed.test', 'x', 'Peer', 'One', 'peer_specialist') RETURNING id`,
        [org],
      )
    )[0].id;
  const people = (organizationId: string, peerId?: string) => {
    const users: Record<string, string> = peerId ? { 'peer1@demo.test': peerId } : {};
    return { organizationId, teams: { North: '', South: '' }, users };
  };
  const plans = (org: string) =>
    ds.query(
      `SELECT p.client_id, p.version, p.last_reviewed_on = current_date - 10 AS reviewed_ten_days_ago,
         v.content->'crisisContacts'->0->>'phone' AS crisis_phone, v.author_id
       FROM relapse_prevention_plan p JOIN relapse_prevention_plan_version v ON v.plan_id = p.id
       WHERE p.organization_id = $1`,
      [org],
    );

  beforeAll(async () => {
    ds = createDataSource(loadConfig().db);
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('should do nothing without peer1 or their clients', async () => {
    const org = await newOrg();
    await ds.transaction((m) => seedRelapsePreventionPlans(m, people(org)));
    const peer = await newPeer(org);
    await ds.transaction((m) => seedRelapsePreventionPlans(m, people(org, peer)));
    expect(await plans(org)).toEqual([]);
  });

  it('should give peer1’s first client by name one reviewed plan with 988, once', async () => {
    const org = await newOrg();
    const peer = await newPeer(org);
    await createClient(ds, { organizationId: org, specialistId: peer, lastName: 'Zimmer' });
    const first = await createClient(ds, {
      organizationId: org,
      specialistId: peer,
      lastName: 'Abbott',
    });
    await ds.transaction((m) => seedRelapsePreventionPlans(m, people(org, peer)));
    await ds.transaction((m) => seedRelapsePreventionPlans(m, people(org, peer)));
    expect(await plans(org)).toEqual([
      {
        client_id: first,
        version: 1,
        reviewed_ten_days_ago: true,
        crisis_phone: '988',
        author_id: peer,
      },
    ]);
  });
});
