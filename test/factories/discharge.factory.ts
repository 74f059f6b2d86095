import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

/** A request body for POST /clients/:id/discharges: two hours ago, high intensity, unique facility. */
export function dischargeBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  const dischargedAt = new Date(Date.now() - 2 * 3600_000);
  return {
    facility: `Riverside Withdrawal Center ${randomUUID().slice(0, 8)}`,
    levelOfCare: 'withdrawal_management',
    admittedAt: new Date(dischargedAt.getTime() - 5 * 24 * 3600_000).toISOString(),
    dischargedAt: dischargedAt.toISOString(),
    disposition: 'home',
    planned: true,
    ...over,
  };
}

/** A discharge row written directly (reports, hand-made histories): no tasks, no jobs. */
export async function insertDischarge(
  ds: DataSource,
  o: {
    organizationId: string;
    clientId: string;
    levelOfCare: string;
    dischargedAt: Date;
    facility?: string;
  },
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO discharge (organization_id, client_id, facility, level_of_care, admitted_at, discharged_at, planned)
     VALUES ($1, $2, $3, $4, $5, $5, true) RETURNING id`,
    [
      o.organizationId,
      o.clientId,
      o.facility ?? `Facility ${randomUUID().slice(0, 8)}`,
      o.levelOfCare,
      o.dischargedAt,
    ],
  );
  return row.id;
}

/** A completed contact follow-up of a client, completed at `completedAt`. */
export async function insertCompletedContact(
  ds: DataSource,
  o: {
    organizationId: string;
    clientId: string;
    dischargeId?: string;
    completedAt: Date;
    outcome?: 'reached' | 'declined';
  },
): Promise<void> {
  await ds.query(
    `INSERT INTO follow_up (organization_id, client_id, discharge_id, kind, label, status, due_at, window_start,
       window_end, completed_at, outcome)
     VALUES ($1, $2, $3, 'contact', $4, 'completed', $5, $5, $5, $5, $6)`,
    [
      o.organizationId,
      o.clientId,
      o.dischargeId ?? null,
      `contact-${randomUUID().slice(0, 8)}`,
      o.completedAt,
      o.outcome ?? 'reached',
    ],
  );
}
