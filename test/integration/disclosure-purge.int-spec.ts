import { randomUUID } from 'node:crypto';

import { DisclosurePurgeWorker } from '../../src/modules/disclosures/disclosure-purge.worker';
import { DisclosureRepository } from '../../src/modules/disclosures/disclosure.repository';
import { DisclosureService } from '../../src/modules/disclosures/disclosures.service';
import { createTestOrg } from '../factories/people.factory';
import { createApiClient, createConsent, createFhirClient } from '../helpers/fhir-world';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 86_400_000;

describe('disclosure accounting and its three-year purge (integration)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('should record a disclosure act as one row per client with one audit event each, and keep rows three years', async () => {
    const org = await createTestOrg(t.app);
    const ehr = await createApiClient(t.app, org);
    const clients = [
      await createFhirClient(t.app, org.peerA1),
      await createFhirClient(t.app, org.peerA1),
    ];
    const consents = [
      await createConsent(t.app, org.peerA1, clients[0], ehr.id),
      await createConsent(t.app, org.peerA1, clients[1], ehr.id),
    ];
    const correlationId = randomUUID();
    const sut = t.app.get(DisclosureService);
    await sut.record({
      actor: {
        organizationId: org.id,
        actorId: null,
        actorType: 'system',
        actorRole: null,
        correlationId,
      },
      recipientId: ehr.id,
      action: 'webhook.deliver',
      resourceType: 'Task',
      disclosures: clients.map((clientId, i) => ({
        clientId,
        consentId: consents[i],
        purpose: 'treatment',
        resources: [{ type: 'Task', id: `task-${i}` }],
      })),
    });
    const rows = await t.dataSource.query(
      `SELECT client_id, consent_id, resources, disclosed_at FROM disclosure WHERE correlation_id = $1 ORDER BY client_id`,
      [correlationId],
    );
    expect(rows.map((r: { client_id: string }) => r.client_id)).toEqual([...clients].sort());
    const [audit] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE correlation_id = $1 AND action = 'webhook.deliver'`,
      [correlationId],
    );
    expect(audit.n).toBe(2);

    // The clock moved: a day short of three years, the rows stay; a day past, they go.
    const disclosedAt = (rows[0].disclosed_at as Date).getTime();
    const worker = new DisclosurePurgeWorker(new DisclosureRepository(t.dataSource));
    await worker.purgeOnce(new Date(disclosedAt + 3 * 365 * DAY));
    const left = async () =>
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM disclosure WHERE correlation_id = $1`,
          [correlationId],
        )
      )[0].n;
    expect(await left()).toBe(2);
    expect(
      await worker.purgeOnce(new Date(disclosedAt + (3 * 365 + 2) * DAY)),
    ).toBeGreaterThanOrEqual(2);
    expect(await left()).toBe(0);
  });

  it('should refuse to rewrite an accounting row (the app role may not UPDATE it)', async () => {
    await expect(t.dataSource.query(`UPDATE disclosure SET purpose = 'research'`)).rejects.toThrow(
      /permission denied/,
    );
  });
});
