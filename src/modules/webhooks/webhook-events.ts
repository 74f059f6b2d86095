import { DataCategory } from '../../auth/access/consent.sql';

/** The events a webhook may subscribe to (SPEC 8). */
export const WEBHOOK_EVENTS = [
  'client.discharged',
  'follow-up.completed',
  'follow-up.overdue',
  'follow-up.escalated',
  'consent.revoked',
  'assessment.recorded',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The Part 2 data category an event discloses: the consent it needs at delivery time. */
export const EVENT_CATEGORY: Record<WebhookEventType, DataCategory | null> = {
  'client.discharged': 'follow-ups',
  'follow-up.completed': 'follow-ups',
  'follow-up.overdue': 'follow-ups',
  'follow-up.escalated': 'follow-ups',
  'assessment.recorded': 'assessments',
  // Told only to the consent's own recipient, which held the client under it: nothing new.
  'consent.revoked': null,
};
