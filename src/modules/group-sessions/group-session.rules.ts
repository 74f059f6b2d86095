import { FieldError } from '../../common/errors/domain-error';

const MAX_SESSION_MS = 24 * 3600_000;

/** A group's period: it ends after it starts and lasts at most a day. */
export function groupPeriodErrors(startedAt: Date, endedAt: Date): FieldError[] {
  if (endedAt < startedAt) {
    return [{ field: 'endedAt', message: 'endedAt must not be before startedAt' }];
  }
  if (endedAt.getTime() - startedAt.getTime() > MAX_SESSION_MS) {
    return [{ field: 'endedAt', message: 'a session must not last more than 24 hours' }];
  }
  return [];
}

/** Each client once in a list of attendees. */
export function duplicateAttendeeErrors(clientIds: string[]): FieldError[] {
  return new Set(clientIds).size === clientIds.length
    ? []
    : [{ field: 'attendees', message: 'each client may be listed once' }];
}
