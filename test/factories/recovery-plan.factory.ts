import { DataSource } from 'typeorm';

export interface PlanOverrides {
  status?: 'draft' | 'active' | 'on-hold' | 'completed' | 'revoked';
  title?: string;
  agreed?: boolean;
  createdAt?: Date;
}

/** A persisted recovery plan of a client (fictional text), by default a draft without agreement. */
export async function createPlan(
  ds: DataSource,
  client: { id: string; organizationId: string },
  over: PlanOverrides = {},
): Promise<{ id: string }> {
  const agreed = over.agreed ?? over.status === 'active';
  const [row] = await ds.query(
    `INSERT INTO recovery_plan (organization_id, client_id, title, status, start_date, review_due_at,
       strengths, barriers, agreed_on, agreement_method, created_at)
     VALUES ($1, $2, $3, $4, current_date, current_date + 90, '["Keeps appointments"]', '["No car"]', $5, $6,
       coalesce($7, now()))
     RETURNING id`,
    [
      client.organizationId,
      client.id,
      over.title ?? 'Test plan',
      over.status ?? 'draft',
      agreed ? '2026-01-05' : null,
      agreed ? 'verbal' : null,
      over.createdAt ?? null,
    ],
  );
  return { id: row.id };
}

/** A persisted goal of a plan, by default proposed. */
export async function createGoal(
  ds: DataSource,
  plan: { id: string },
  over: { lifecycleStatus?: string; achievementStatus?: string | null; createdAt?: Date } = {},
): Promise<{ id: string }> {
  const [row] = await ds.query(
    `INSERT INTO goal (organization_id, client_id, plan_id, description, domain, action_steps,
       lifecycle_status, achievement_status, created_at)
     SELECT organization_id, client_id, id, 'Walk every morning', 'health', '[{"text":"Buy shoes","done":false}]', $2, $3,
       coalesce($4, now())
     FROM recovery_plan WHERE id = $1
     RETURNING id`,
    [
      plan.id,
      over.lifecycleStatus ?? 'proposed',
      over.achievementStatus ?? null,
      over.createdAt ?? null,
    ],
  );
  return { id: row.id };
}
