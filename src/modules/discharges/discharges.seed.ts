import { EntityManager } from 'typeorm';

import { loadConfig } from '../../config/configuration';
import { OutboxService } from '../../queue/outbox.service';
import type { DemoPeople } from '../../scripts/seed-demo';
import { FollowUpSchedulingService } from '../follow-ups/follow-up-scheduling.service';
import { FollowUp } from '../follow-ups/follow-up.entity';
import { defaultCadence, planFollowUps } from './cadence';

const DEMO_CLIENT = { system: 'urn:recovery-bridge:demo-client', value: 'P1-01' };
const DEMO_FACILITY = 'Demo Valley Withdrawal Center';
const HOUR = 3600_000;

/**
 * A recent discharge from withdrawal management for one demo client, with its follow-up tasks
 * (the warm hand-off due within hours) and their jobs. Idempotent: one demo discharge per client,
 * whatever the day the seed runs again; skipped when the demo clients are absent.
 */
export async function seedDischarges(m: EntityManager, people: DemoPeople): Promise<void> {
  const [client] = await m.query(
    `SELECT c.id, c.primary_specialist_id FROM client c JOIN client_identifier i ON i.client_id = c.id
     WHERE i.organization_id = $1 AND i.system = $2 AND i.value = $3`,
    [people.organizationId, DEMO_CLIENT.system, DEMO_CLIENT.value],
  );
  if (!client) return;
  const [seeded] = await m.query(`SELECT 1 FROM discharge WHERE client_id = $1 AND facility = $2`, [
    client.id,
    DEMO_FACILITY,
  ]);
  if (seeded) return;
  const dischargedAt = new Date(Math.floor((Date.now() - 20 * HOUR) / HOUR) * HOUR);
  const [discharge] = await m.query(
    `INSERT INTO discharge (organization_id, client_id, facility, level_of_care, admitted_at, discharged_at, disposition, planned)
     VALUES ($1, $2, $3, 'withdrawal_management', $4, $5, 'home', true) RETURNING id`,
    [
      people.organizationId,
      client.id,
      DEMO_FACILITY,
      new Date(dischargedAt.getTime() - 5 * 24 * HOUR),
      dischargedAt,
    ],
  );
  const planned = planFollowUps(
    'withdrawal_management',
    dischargedAt,
    defaultCadence('withdrawal_management'),
  );
  await m.insert(
    FollowUp,
    planned.map((p) => ({
      ...p,
      organizationId: people.organizationId,
      clientId: client.id,
      dischargeId: discharge.id,
      status: 'requested' as const,
      ownerId: client.primary_specialist_id,
    })),
  );
  const tasks = await m.find(FollowUp, { where: { dischargeId: discharge.id } });
  await new FollowUpSchedulingService(loadConfig(), new OutboxService()).scheduleFor(m, tasks);
}
