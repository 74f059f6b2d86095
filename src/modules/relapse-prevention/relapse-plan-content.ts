/** The kinds of helpful places a plan lists: a place to go, or a meeting to attend. */
export const HELPFUL_PLACE_KINDS = ['place', 'meeting'] as const;
export type HelpfulPlaceKind = (typeof HELPFUL_PLACE_KINDS)[number];

export interface PersonToCall {
  name: string;
  relationship: string | null;
  phone: string | null;
  when: string | null;
}

export interface HelpfulPlace {
  name: string;
  kind: HelpfulPlaceKind;
  details: string | null;
}

export interface CrisisContact {
  name: string;
  phone: string;
}

/** What one version of a plan says, in the client's own words (stored as one jsonb value). */
export interface RelapsePlanContent {
  triggers: string[];
  warningSigns: string[];
  copingStrategies: string[];
  peopleToCall: PersonToCall[];
  helpfulPlaces: HelpfulPlace[];
  crisisSteps: string[];
  crisisContacts: CrisisContact[];
  reasonsForRecovery: string[];
}

// The national line every plan starts with (SPEC 10a): staff add the local crisis contacts.
export const DEFAULT_CRISIS_CONTACTS: CrisisContact[] = [
  { name: '988 Suicide & Crisis Lifeline (call or text)', phone: '988' },
];
export const DEFAULT_CRISIS_STEPS: string[] = [
  'Call or text 988, the Suicide & Crisis Lifeline, at any hour',
  'If my life or someone else’s is in immediate danger, call 911',
];

/** A plan is due for review with the client this many days after its last review (or creation). */
export const PLAN_REVIEW_DAYS = 90;
