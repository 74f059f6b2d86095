import { EntityManager } from 'typeorm';

import { loadConfig } from '../../config/configuration';
import { defaultCadence, planFollowUps } from '../../modules/discharges/cadence';
import {
  FollowUpSchedulingService,
  SchedulableFollowUp,
} from '../../modules/follow-ups/follow-up-scheduling.service';
import { FollowUpRepository } from '../../modules/follow-ups/follow-up.repository';
import { OutboxService } from '../../queue/outbox.service';
import { DEMO_IDS, demoIdWhileFree } from './demo-ids';
import type { DemoPeople } from './demo-people';

const DEMO_CLIENT = { system: 'urn:recovery-bridge:demo-client', value: 'P1-01' };
const DEMO_FACILITY = 'Demo Valley Withdrawal Center';
const HOUR = 3600_000;

/**
 * A recent discharge from withdrawal management for one demo client, with its follow-up tasks
 * (the warm hand-off due within hours, with its fixed id and its reminder to the peer) and their
 * jobs. Idempotent: one demo discharge per client, whatever the day the seed runs again; skipped
 * when the demo clients are absent.
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
  // Plain SQL: the seed's data source (the owner's, like the migrations) loads no entities.
  const tasks: SchedulableFollowUp[] = await m.query(
    `INSERT INTO follow_up (id, organization_id, client_id, discharge_id, kind, label, status, due_at,
       window_start, window_end, owner_id)
     SELECT ${demoIdWhileFree('follow_up', 'p.id')}, $1, $2, $3, p.kind, p.label, 'requested', p.due_at,
       p.window_start, p.window_end, $4
       FROM jsonb_to_recordset($5::jsonb)
         AS p(id uuid, kind text, label text, due_at timestamptz, window_start timestamptz, window_end timestamptz)
     RETURNING id, organization_id AS "organizationId", due_at AS "dueAt", window_end AS "windowEnd"`,
    [
      people.organizationId,
      client.id,
      discharge.id,
      client.primary_specialist_id,
      JSON.stringify(
        planned.map((p) => ({
          id:
            p.label === 'warm-handoff' && client.id === DEMO_IDS.client ? DEMO_IDS.followUp : null,
          kind: p.kind,
          label: p.label,
          due_at: p.dueAt,
          window_start: p.windowStart,
          window_end: p.windowEnd,
        })),
      ),
    ],
  );
  const scheduling = new FollowUpSchedulingService(
    loadConfig(),
    new FollowUpRepository(m.connection),
  );
  const jobs = await scheduling.planJobs(m, tasks);
  await new OutboxService().enqueue(m, jobs, null);
  await seedReminder(m);
}

// The warm hand-off's reminder, as the reminder job writes it (same dedupe key: when the job
// runs, it adds no second one).
async function seedReminder(m: EntityManager): Promise<void> {
  await m.query(
    `WITH f AS (SELECT id, organization_id, client_id, owner_id, label,
         to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS due
       FROM follow_up WHERE id = $2 AND owner_id IS NOT NULL)
     INSERT INTO notification (id, organization_id, recipient_id, kind, resource_type, resource_id, client_id,
       data, dedupe_key)
     SELECT $1, f.organization_id, f.owner_id, 'follow-up.reminder', 'FollowUp', f.id::text, f.client_id,
       jsonb_build_object('label', f.label, 'dueAt', f.due),
       'follow-up-reminder|' || f.id || '|' || f.due || '|' || f.owner_id
     FROM f
     ON CONFLICT DO NOTHING`,
    [DEMO_IDS.notification, DEMO_IDS.followUp],
  );
}
