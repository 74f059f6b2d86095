import { ContactType } from './session-note.enums';

const MS_PER_MINUTE = 60_000;

/** Whole minutes between start and end (never negative). */
export function durationMinutes(startedAt: Date, endedAt: Date): number {
  return Math.max(0, Math.floor((endedAt.getTime() - startedAt.getTime()) / MS_PER_MINUTE));
}

/**
 * H0038 (peer support) is billed in 15-minute units. CMS's 8-minute rule: a unit needs at least 8
 * minutes, so 0-7 minutes bill nothing, 8-22 one unit, 23-37 two, and so on.
 */
export function billingUnits(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 8) return 0;
  return Math.floor((minutes + 7) / 15);
}

/** An outreach attempt that reached nobody delivered no service, so it bills nothing. */
export function noteBillingUnits(contactType: ContactType, minutes: number): number {
  return contactType === ContactType.OutreachAttempt ? 0 : billingUnits(minutes);
}
