import { DataSource } from 'typeorm';

import { loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import { seedRecoveryPlans } from '../../src/database/seeds/recovery-plans.seed';
import { createClient } from '../factories/client.factory';

describe('seedRecoveryPlans (integration)', () => {
  let ds: DataSource;
  const people = (organizationId: string) => ({
    organizationId,
    teams: { North: '', South: '' },
    users: {},
  });
  const counts = async (organizationId: string) => {
    const [row] = await ds.query(
      `SELECT (SELECT count(*)::int FROM recovery_plan WHERE organization_id = $1 AND status = 'active') AS plans,
              (SELECT count(*)::int FROM goal WHERE organization_id = $1) AS goals,
              (SELECT count(*)::int FROM assessment WHERE organization_id = $1 AND total = 41) AS assessments`,
      [organizationId],
    );
    return row;
  };
  const newOrg = async (): Promise<string> =>
    (await ds.query(`INSERT INTO organization (name) VALUES ('Seed test org') RETURNING id`))[0].id;

  beforeAll(async () => {
    ds = createDataSource(loadConfig().db);
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('should do nothing when the organization has no clients yet', async () => {
    const org = await newOrg();
    await ds.transaction((m) => seedRecoveryPlans(m, people(org)));
    expect(await counts(org)).toEqual({ plans: 0, goals: 0, assessments: 0 });
  });

  it('should give each client an active plan with two goals and one BARC-10, once', async () => {
    const org = await newOrg();
    await createClient(ds, { organizationId: org });
    await createClient(ds, { organizationId: org });
    await ds.transaction((m) => seedRecoveryPlans(m, people(org)));
    expect(await counts(org)).toEqual({ plans: 2, goals: 4, assessments: 2 });
    await ds.transaction((m) => seedRecoveryPlans(m, people(org)));
    expect(await counts(org)).toEqual({ plans: 2, goals: 4, assessments: 2 });
  });

  it('should leave a client who already has a plan alone', async () => {
    const org = await newOrg();
    const client = await createClient(ds, { organizationId: org });
    await ds.query(
      `INSERT INTO recovery_plan (organization_id, client_id, title, start_date, review_due_at)
       VALUES ($1, $2, 'Own plan', current_date, current_date + 90)`,
      [org, client],
    );
    await ds.transaction((m) => seedRecoveryPlans(m, people(org)));
    expect(await counts(org)).toEqual({ plans: 0, goals: 0, assessments: 1 });
  });
});
