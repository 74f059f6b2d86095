import { EntityManager } from 'typeorm';

import {
  DEFAULT_REFERRAL_FOLLOW_UP_DAYS,
  referralFollowUpJobId,
} from '../../modules/referrals-out/referral-follow-up';
import { JobName } from '../../queue/jobs';
import { OutboxService } from '../../queue/outbox.service';
import { DEMO_IDS, demoIdWhileFree } from './demo-ids';
import type { DemoPeople } from './demo-people';

const DEMO_CLIENT = { system: 'urn:recovery-bridge:demo-client', value: 'P1-01' };
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];
const weekdays = (opens: string, closes: string) => WEEKDAYS.map((day) => ({ day, opens, closes }));

// Fictional organizations at made-up addresses; phone numbers in the 555-01xx fiction range.
export const DEMO_RESOURCES = [
  {
    name: 'Harbor Light Recovery Residences',
    categories: ['housing'],
    description: 'Certified recovery residences with peer house managers.',
    address: '120 Harbor Way, Demo City',
    latitude: 39.9526,
    longitude: -75.1652,
    serviceArea: 'Demo County',
    hours: weekdays('09:00', '17:00'),
    phone: '+1-555-0110',
    url: 'https://harbor-light.example.org',
    eligibility: 'Adults 18+ with 7 days of abstinence or on MOUD',
    languages: ['en', 'es'],
  },
  {
    name: 'Second Wind Employment Network',
    categories: ['employment', 'education'],
    description: 'Job readiness, résumé help and fair-chance employers.',
    address: '44 Mill Street, Demo City',
    latitude: 39.9612,
    longitude: -75.1541,
    serviceArea: 'Demo County and neighbouring towns',
    hours: weekdays('08:30', '16:30'),
    phone: '+1-555-0111',
    url: 'https://second-wind.example.org',
    eligibility: 'Anyone in recovery',
    languages: ['en'],
  },
  {
    name: 'Riverside Open Door NA Meeting',
    categories: ['mutual-aid-meeting'],
    description: 'Open Narcotics Anonymous meeting, newcomers welcome.',
    address: 'Riverside Community Hall, 9 Bank Road, Demo City',
    latitude: 39.9448,
    longitude: -75.1733,
    serviceArea: null,
    hours: [
      { day: 'tue', opens: '19:00', closes: '20:30' },
      { day: 'sat', opens: '10:00', closes: '11:30' },
    ],
    phone: null,
    url: null,
    eligibility: 'Open to all',
    languages: ['en'],
  },
  {
    name: 'Bridgeway MOUD Clinic',
    categories: ['moud-provider', 'health-care'],
    description: 'Buprenorphine and methadone treatment; same-day starts.',
    address: '300 Bridge Avenue, Demo City',
    latitude: 39.9701,
    longitude: -75.1399,
    serviceArea: 'Demo County',
    hours: [...weekdays('07:00', '19:00'), { day: 'sat', opens: '08:00', closes: '12:00' }],
    phone: '+1-555-0113',
    url: 'https://bridgeway-clinic.example.org',
    eligibility: 'Adults with opioid use disorder; Medicaid accepted',
    languages: ['en', 'es'],
  },
] as const;

/**
 * A few fictional resources in the demo directory (the organization's time zone set to New York
 * when unset, so "open now" means something) and one referral out for peer1's first client, with
 * its connection-check job in the outbox. Idempotent: a resource is added once by name, the
 * referral once per client and resource.
 */
export async function seedResources(m: EntityManager, people: DemoPeople): Promise<void> {
  await m.query(
    `UPDATE organization SET settings = settings || '{"timeZone": "America/New_York"}'::jsonb
      WHERE id = $1 AND NOT settings ? 'timeZone'`,
    [people.organizationId],
  );
  const curator = people.users['supervisor@demo.test'];
  const ids: string[] = [];
  for (const [i, r] of DEMO_RESOURCES.entries()) {
    const [found] = await m.query(
      `SELECT id FROM community_resource WHERE organization_id = $1 AND name = $2`,
      [people.organizationId, r.name],
    );
    const [row] = found
      ? [found]
      : await m.query(
          `INSERT INTO community_resource (id, organization_id, name, categories, description, address, latitude,
             longitude, service_area, hours, phone, url, eligibility, languages, created_by_id, updated_by_id)
           VALUES (${demoIdWhileFree('community_resource', '$15')}, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
             $12, $13, $14, $14) RETURNING id`,
          [
            people.organizationId,
            r.name,
            r.categories,
            r.description,
            r.address,
            r.latitude,
            r.longitude,
            r.serviceArea,
            JSON.stringify(r.hours),
            r.phone,
            r.url,
            r.eligibility,
            r.languages,
            curator,
            i === 0 ? DEMO_IDS.resource : null,
          ],
        );
    ids.push(row.id);
  }
  await seedReferral(m, people, ids[0]);
}

async function seedReferral(
  m: EntityManager,
  people: DemoPeople,
  resourceId: string,
): Promise<void> {
  const [client] = await m.query(
    `SELECT c.id, c.primary_specialist_id FROM client c JOIN client_identifier i ON i.client_id = c.id
     WHERE i.organization_id = $1 AND i.system = $2 AND i.value = $3`,
    [people.organizationId, DEMO_CLIENT.system, DEMO_CLIENT.value],
  );
  if (!client) return;
  const [seeded] = await m.query(
    `SELECT 1 FROM referral_out WHERE client_id = $1 AND resource_id = $2`,
    [client.id, resourceId],
  );
  if (seeded) return;
  const [referral] = await m.query(
    `INSERT INTO referral_out (id, organization_id, client_id, resource_id, need, reason, sent_by_id,
       status_changed_by_id, follow_up_due_at)
     VALUES (${demoIdWhileFree('referral_out', '$5')}, $1, $2, $3, 'housing',
       'Looking for a recovery residence close to work', $4, $4,
       now() + make_interval(days => ${DEFAULT_REFERRAL_FOLLOW_UP_DAYS}))
     RETURNING id, sent_at`,
    [
      people.organizationId,
      client.id,
      resourceId,
      client.primary_specialist_id,
      client.id === DEMO_IDS.client ? DEMO_IDS.referralOut : null,
    ],
  );
  await m.query(
    `INSERT INTO referral_out_event (organization_id, referral_out_id, status, actor_id, occurred_at)
     VALUES ($1, $2, 'sent', $3, $4)`,
    [people.organizationId, referral.id, client.primary_specialist_id, referral.sent_at],
  );
  await new OutboxService().enqueue(
    m,
    [
      {
        name: JobName.ReferralOutFollowUp,
        jobId: referralFollowUpJobId(referral.id),
        payload: { organizationId: people.organizationId, referralOutId: referral.id },
      },
    ],
    null,
  );
}
