import { FieldError } from '../../common/errors/domain-error';

// A plan is reviewed at least quarterly by default (SPEC section 5: start + 90 days).
export const DEFAULT_REVIEW_DAYS = 90;

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Cross-field checks of a plan's dates (ISO dates compare as strings). */
export function planDateErrors(dates: {
  startDate: string;
  endDate: string | null;
  reviewDueAt: string;
}): FieldError[] {
  const errors: FieldError[] = [];
  if (dates.endDate !== null && dates.endDate < dates.startDate) {
    errors.push({ field: 'endDate', message: 'endDate must not be before startDate' });
  }
  if (dates.reviewDueAt < dates.startDate) {
    errors.push({ field: 'reviewDueAt', message: 'reviewDueAt must not be before startDate' });
  }
  return errors;
}
