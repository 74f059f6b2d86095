/** The organization's continuing-education rule; SPEC section 3 gives the defaults. */
export interface RenewalRule {
  requiredHours: number;
  requiredEthicsHours: number;
  cycleYears: number;
}

export const DEFAULT_RENEWAL_RULE: RenewalRule = {
  requiredHours: 20,
  requiredEthicsHours: 6,
  cycleYears: 2,
};

export type RenewalStatus = 'met' | 'in_progress' | 'no_certification';

export interface RenewalProgress extends RenewalRule {
  cycleStart: string | null;
  cycleEnd: string | null;
  earnedHours: number;
  earnedEthicsHours: number;
  remainingHours: number;
  remainingEthicsHours: number;
  status: RenewalStatus;
}

const positive = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/** The rule from organization settings (`ceRequiredHours`, `ceRequiredEthicsHours`, `ceCycleYears`). */
export function renewalRuleOf(settings: Record<string, unknown>): RenewalRule {
  return {
    requiredHours: positive(settings.ceRequiredHours) ?? DEFAULT_RENEWAL_RULE.requiredHours,
    requiredEthicsHours:
      positive(settings.ceRequiredEthicsHours) ?? DEFAULT_RENEWAL_RULE.requiredEthicsHours,
    cycleYears: Math.round(positive(settings.ceCycleYears) ?? DEFAULT_RENEWAL_RULE.cycleYears),
  };
}

function yearsBefore(date: string, years: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Hours count toward renewal when completed in the cycle: the `cycleYears` before the latest
 * certification's expiry (start exclusive, expiry inclusive). Ethics hours count toward the total too.
 */
export function renewalProgress(
  rule: RenewalRule,
  latestExpiresOn: string | null,
  entries: { hours: number; category: 'ethics' | 'general'; completedOn: string }[],
): RenewalProgress {
  if (!latestExpiresOn) {
    return {
      ...rule,
      cycleStart: null,
      cycleEnd: null,
      earnedHours: 0,
      earnedEthicsHours: 0,
      remainingHours: rule.requiredHours,
      remainingEthicsHours: rule.requiredEthicsHours,
      status: 'no_certification',
    };
  }
  const cycleStart = yearsBefore(latestExpiresOn, rule.cycleYears);
  const inCycle = entries.filter(
    (e) => e.completedOn > cycleStart && e.completedOn <= latestExpiresOn,
  );
  const earnedHours = round2(inCycle.reduce((sum, e) => sum + e.hours, 0));
  const earnedEthicsHours = round2(
    inCycle.filter((e) => e.category === 'ethics').reduce((sum, e) => sum + e.hours, 0),
  );
  const remainingHours = round2(Math.max(0, rule.requiredHours - earnedHours));
  const remainingEthicsHours = round2(Math.max(0, rule.requiredEthicsHours - earnedEthicsHours));
  return {
    ...rule,
    cycleStart,
    cycleEnd: latestExpiresOn,
    earnedHours,
    earnedEthicsHours,
    remainingHours,
    remainingEthicsHours,
    status: remainingHours === 0 && remainingEthicsHours === 0 ? 'met' : 'in_progress',
  };
}

/** `expired` past expiry, `expiring` within 60 days of it (the first reminder), else `active`. */
export function certificationStatus(
  latestExpiresOn: string | null,
  today: string,
): 'none' | 'expired' | 'expiring' | 'active' {
  if (!latestExpiresOn) return 'none';
  if (latestExpiresOn < today) return 'expired';
  const soon = new Date(`${today}T00:00:00Z`);
  soon.setUTCDate(soon.getUTCDate() + 60);
  return latestExpiresOn <= soon.toISOString().slice(0, 10) ? 'expiring' : 'active';
}
