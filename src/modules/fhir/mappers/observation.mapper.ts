import type { CodeableConcept, Observation } from '@medplum/fhirtypes';

import {
  BARC10_REMISSION_THRESHOLD,
  isAtOrAboveRemissionThreshold,
} from '../../assessments/barc10';
import { Permission } from '../../../auth/permissions';
import { defineResource } from '../fhir-resource';
import { HL7_SYSTEM, LocalCodeSystem, patientRef, practitionerRef } from './fhir-codes';
import { AssessmentSource, assessmentMeta, BARC10_SQL } from './questionnaire-response.mapper';

// No LOINC term for the BARC-10 was found (docs/fhir.md), so the codes are local.
const BARC10_TOTAL: CodeableConcept = {
  coding: [{ system: LocalCodeSystem.Barc10, code: 'total', display: 'BARC-10 total score' }],
  text: 'BARC-10 total score',
};

const INTERPRETATION = {
  atOrAbove: {
    code: 'at-or-above-remission-threshold',
    display: 'At or above the remission threshold (47)',
  },
  below: { code: 'below-remission-threshold', display: 'Below the remission threshold (47)' },
};

/**
 * The BARC-10 total of an administration as a FHIR R4 Observation (docs/fhir.md, "Observation"):
 * `valueInteger` is the total (10..60), one `component` per item, and the remission threshold
 * (Vilsaint et al., 2017) as `interpretation` and `referenceRange`.
 */
export function toObservation(a: AssessmentSource): Observation {
  const interpretation = isAtOrAboveRemissionThreshold(a.total)
    ? INTERPRETATION.atOrAbove
    : INTERPRETATION.below;
  return {
    resourceType: 'Observation',
    id: a.id,
    meta: assessmentMeta(a),
    status: 'final',
    category: [{ coding: [{ system: HL7_SYSTEM.ObservationCategory, code: 'survey' }] }],
    code: BARC10_TOTAL,
    subject: patientRef(a.clientId),
    effectiveDateTime: a.administeredAt.toISOString(),
    issued: a.createdAt.toISOString(),
    ...(a.administeredById ? { performer: [practitionerRef(a.administeredById)] } : {}),
    valueInteger: a.total,
    interpretation: [
      { coding: [{ system: LocalCodeSystem.Barc10Interpretation, ...interpretation }] },
    ],
    referenceRange: [
      {
        low: { value: BARC10_REMISSION_THRESHOLD },
        text: 'Remission threshold: a total of 47 or more (Vilsaint et al., 2017)',
      },
    ],
    derivedFrom: [{ reference: `QuestionnaireResponse/${a.id}` }],
    component: a.answers.map((answer, i) => ({
      code: { coding: [{ system: LocalCodeSystem.Barc10, code: `item-${i + 1}` }] },
      valueInteger: answer,
    })),
  };
}

/** `assessment` (BARC-10) -> Observation of the total (category `assessments`). */
export const observationResource = defineResource<Observation, AssessmentSource>({
  type: 'Observation',
  permission: Permission.FhirObservationRead,
  documentation:
    'The BARC-10 total with its items and the remission threshold (category assessments of the consent).',
  ...BARC10_SQL,
  categories: ['assessments'],
  searchParams: [],
  toResource: (row) => toObservation(row),
});
