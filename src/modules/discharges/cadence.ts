export const LEVELS_OF_CARE = [
  'withdrawal_management',
  'inpatient',
  'residential',
  'emergency_department',
  'intensive_outpatient',
  'outpatient',
] as const;
export type LevelOfCare = (typeof LEVELS_OF_CARE)[number];

export type FollowUpKind = 'contact' | 'assessment';

/** One task of a cadence, in hours after the discharge instant. */
export interface CadenceStep {
  label: string;
  kind: FollowUpKind;
  dueHours: number;
  windowStartHours: number;
  windowEndHours: number;
}

/** A follow-up task as the cadence computes it for one discharge. */
export interface PlannedFollowUp {
  label: string;
  kind: FollowUpKind;
  dueAt: Date;
  windowStart: Date;
  windowEnd: Date;
}

const HOUR = 3600 * 1000;
const DAY = 24;

const contactAtDay = (day: number, before: number, after: number): CadenceStep => ({
  label: `day-${day}`,
  kind: 'contact',
  dueHours: day * DAY,
  windowStartHours: (day - before) * DAY,
  windowEndHours: (day + after) * DAY,
});

const barc10AtDay30: CadenceStep = {
  label: 'barc10-day-30',
  kind: 'assessment',
  dueHours: 30 * DAY,
  windowStartHours: 23 * DAY,
  windowEndHours: 37 * DAY,
};

// SPEC 7: after high-intensity care, a warm hand-off within 24 hours, contacts at day 2, 7, 14,
// 30, 60 and 90 and a BARC-10 at day 30. The day-7 and day-30 windows close on their day, the
// HEDIS 7- and 30-day measures.
const HIGH_INTENSITY: CadenceStep[] = [
  { label: 'warm-handoff', kind: 'contact', dueHours: 24, windowStartHours: 0, windowEndHours: 24 },
  contactAtDay(2, 1, 1),
  contactAtDay(7, 3, 0),
  contactAtDay(14, 3, 3),
  contactAtDay(30, 5, 0),
  contactAtDay(60, 7, 7),
  contactAtDay(90, 7, 7),
  barc10AtDay30,
];

// Stepping down from IOP or outpatient care is lower risk: no hand-off, a first contact at day 2,
// then day 7, 30 and 90, and the day-30 BARC-10.
const STEP_DOWN: CadenceStep[] = [
  contactAtDay(2, 1, 1),
  contactAtDay(7, 3, 3),
  contactAtDay(30, 5, 5),
  contactAtDay(90, 7, 7),
  barc10AtDay30,
];

export function defaultCadence(level: LevelOfCare): CadenceStep[] {
  return level === 'intensive_outpatient' || level === 'outpatient' ? STEP_DOWN : HIGH_INTENSITY;
}

/** HEDIS FUI (withdrawal management, inpatient, residential): a contact on the discharge date does not count. */
export function excludesDischargeDate(level: LevelOfCare): boolean {
  return level === 'withdrawal_management' || level === 'inpatient' || level === 'residential';
}

/** The next UTC midnight after `instant` (dates are UTC until organizations carry a time zone). */
export function startOfNextUtcDay(instant: Date): Date {
  return new Date(
    Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate() + 1),
  );
}

/**
 * The tasks of a cadence for one discharge. After FUI-type care a contact window opens the day
 * after the discharge date at the earliest (such a contact would not count), and the due time
 * moves with it, so dueAt always lies inside [windowStart, windowEnd].
 */
export function planFollowUps(
  level: LevelOfCare,
  dischargedAt: Date,
  steps: CadenceStep[],
): PlannedFollowUp[] {
  const at = (hours: number): Date => new Date(dischargedAt.getTime() + hours * HOUR);
  const earliestContact = excludesDischargeDate(level)
    ? startOfNextUtcDay(dischargedAt)
    : dischargedAt;
  return steps.map((step) => {
    const earliest = step.kind === 'contact' ? earliestContact : dischargedAt;
    const windowStart = maxDate(at(step.windowStartHours), earliest);
    const windowEnd = maxDate(at(step.windowEndHours), windowStart);
    const dueAt = minDate(maxDate(at(step.dueHours), windowStart), windowEnd);
    return { label: step.label, kind: step.kind, dueAt, windowStart, windowEnd };
  });
}

const maxDate = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);
const minDate = (a: Date, b: Date): Date => (a.getTime() <= b.getTime() ? a : b);
