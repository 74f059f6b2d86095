import type { Meta, QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';

import { Permission } from '../../../auth/permissions';
import type { Assessment } from '../../assessments/assessment.entity';
import { defineResource } from '../fhir-resource';
import { BARC10_QUESTIONNAIRE, patientRef, practitionerRef, versionedMeta } from './fhir-codes';

export type AssessmentSource = Pick<
  Assessment,
  'id' | 'clientId' | 'answers' | 'total' | 'administeredAt' | 'administeredById' | 'createdAt'
>;

/** Assessments are never edited, so each resource has one version, stamped when it was stored. */
export const assessmentMeta = (a: AssessmentSource): Meta => versionedMeta(1, a.createdAt);

/** The FROM, columns and filter both BARC-10 resources read (one table, two views of it). */
export const BARC10_SQL = {
  from: 'assessment r JOIN client c ON c.id = r.client_id',
  id: 'r.id',
  columns: `r.id AS id, r.client_id AS "clientId", r.answers AS answers, r.total AS total,
    r.administered_at AS "administeredAt", r.administered_by_id AS "administeredById",
    r.created_at AS "createdAt"`,
  where: () => `r.instrument = 'BARC-10'`,
};

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

/** `assessment` (BARC-10) -> QuestionnaireResponse (category `assessments`). */
export const questionnaireResponseResource = defineResource<
  QuestionnaireResponse,
  AssessmentSource
>({
  type: 'QuestionnaireResponse',
  permission: Permission.FhirQuestionnaireResponseRead,
  documentation: 'The answers of a BARC-10 administration (category assessments of the consent).',
  ...BARC10_SQL,
  categories: ['assessments'],
  searchParams: [],
  toResource: (row) => toQuestionnaireResponse(row),
});
