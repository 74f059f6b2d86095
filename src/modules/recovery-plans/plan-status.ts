/** FHIR CarePlan.status values a recovery plan may take. */
export const PLAN_STATUSES = ['draft', 'active', 'on-hold', 'completed', 'revoked'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

// completed and revoked are terminal: a finished plan is a record of what was agreed, and a new
// plan starts a new agreement.
const NEXT: Record<PlanStatus, readonly PlanStatus[]> = {
  draft: ['active', 'revoked'],
  active: ['on-hold', 'completed', 'revoked'],
  'on-hold': ['active', 'completed', 'revoked'],
  completed: [],
  revoked: [],
};

/** True when a plan may move from `from` to `to`; staying put is always allowed. */
export function canMovePlan(from: PlanStatus, to: PlanStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

export function isPlanClosed(status: PlanStatus): boolean {
  return NEXT[status].length === 0;
}
