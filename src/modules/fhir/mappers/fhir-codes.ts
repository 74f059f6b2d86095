import type { Meta, Patient, Practitioner, Reference } from '@medplum/fhirtypes';

import { part2Meta, RB_FHIR_BASE } from '../fhir-labels';

// Code systems, extensions and the questionnaire this service defines (docs/fhir.md).
const LOCAL_FHIR_BASE = RB_FHIR_BASE;

export const LocalCodeSystem = {
  RecoveryDomain: `${LOCAL_FHIR_BASE}/CodeSystem/recovery-domain`,
  ContactType: `${LOCAL_FHIR_BASE}/CodeSystem/contact-type`,
  FollowUpKind: `${LOCAL_FHIR_BASE}/CodeSystem/follow-up-kind`,
  FollowUpOutcome: `${LOCAL_FHIR_BASE}/CodeSystem/follow-up-outcome`,
  Barc10: `${LOCAL_FHIR_BASE}/CodeSystem/barc-10`,
  Barc10Interpretation: `${LOCAL_FHIR_BASE}/CodeSystem/barc-10-interpretation`,
} as const;

export const LocalExtension = {
  PlanReviewDue: `${LOCAL_FHIR_BASE}/StructureDefinition/plan-review-due`,
  PlanAgreement: `${LOCAL_FHIR_BASE}/StructureDefinition/plan-agreement`,
  GoalActionStep: `${LOCAL_FHIR_BASE}/StructureDefinition/goal-action-step`,
  FollowUpDue: `${LOCAL_FHIR_BASE}/StructureDefinition/follow-up-due`,
} as const;

export const BARC10_QUESTIONNAIRE = `${LOCAL_FHIR_BASE}/Questionnaire/barc-10`;

export const HL7_SYSTEM = {
  GoalAchievement: 'http://terminology.hl7.org/CodeSystem/goal-achievement',
  ObservationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  ActCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  ParticipationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  Ucum: 'http://unitsofmeasure.org',
} as const;

export function patientRef(clientId: string): Reference<Patient> {
  return { reference: `Patient/${clientId}` };
}

export function practitionerRef(userId: string): Reference<Practitioner> {
  return { reference: `Practitioner/${userId}` };
}

/** The Part 2 `meta` of a versioned record: labels, the notice, lastUpdated and the row version. */
export function versionedMeta(version: number, lastUpdated: Date): Meta {
  return { versionId: String(version), ...part2Meta(lastUpdated) };
}
