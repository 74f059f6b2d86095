import type { QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';

import type { Assessment } from '../../assessments/assessment.entity';
import { BARC10_QUESTIONNAIRE, patientRef, practitionerRef } from './fhir-codes';

export type AssessmentSource = Pick<
  Assessment,
  'id' | 'clientId' | 'answers' | 'total' | 'administeredAt' | 'administeredById' | 'createdAt'
>;

/** Assessments are never edited, so each resource has one version, stamped when it was stored. */
export function assessmentMeta(a: AssessmentSource): { versionId: string; lastUpdated: string } {
  return { versionId: '1', lastUpdated: a.createdAt.toISOString() };
}

/**
 * A BARC-10 administration as a FHIR R4 QuestionnaireResponse (docs/fhir.md,
 * "QuestionnaireResponse"): items `1`..`10` carry the answers (1..6), item `total` the sum.
 */
export function toQuestionnaireResponse(a: AssessmentSource): QuestionnaireResponse {
  const items: QuestionnaireResponseItem[] = a.answers.map((answer, i) => ({
    linkId: String(i + 1),
    answer: [{ valueInteger: answer }],
  }));
  items.push({ linkId: 'total', text: 'BARC-10 total score', answer: [{ valueInteger: a.total }] });
  return {
    resourceType: 'QuestionnaireResponse',
    id: a.id,
    meta: assessmentMeta(a),
    questionnaire: BARC10_QUESTIONNAIRE,
    status: 'completed',
    subject: patientRef(a.clientId),
    authored: a.administeredAt.toISOString(),
    ...(a.administeredById ? { author: practitionerRef(a.administeredById) } : {}),
    item: items,
  };
}
