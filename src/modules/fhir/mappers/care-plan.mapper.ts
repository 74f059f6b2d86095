import type { Annotation, CarePlan, Extension } from '@medplum/fhirtypes';

import { Permission } from '../../../auth/permissions';
import type { RecoveryPlan } from '../../recovery-plans/recovery-plan.entity';
import { defineResource } from '../fhir-resource';
import { LocalExtension, patientRef, practitionerRef, versionedMeta } from './fhir-codes';

/** The columns of a recovery plan the CarePlan discloses, plus the ids of its goals. */
export type CarePlanSource = Pick<
  RecoveryPlan,
  | 'id'
  | 'clientId'
  | 'title'
  | 'status'
  | 'startDate'
  | 'endDate'
  | 'reviewDueAt'
  | 'strengths'
  | 'barriers'
  | 'agreedOn'
  | 'agreementMethod'
  | 'createdById'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
> & { goalIds: readonly string[] };

/** A recovery plan as a FHIR R4 CarePlan (docs/fhir.md, "CarePlan"). */
export function toCarePlan(plan: CarePlanSource): CarePlan {
  return {
    resourceType: 'CarePlan',
    id: plan.id,
    meta: versionedMeta(plan.version, plan.updatedAt),
    extension: planExtensions(plan),
    // The plan statuses are the CarePlan statuses (SPEC 5), so they pass through unchanged.
    status: plan.status,
    intent: 'plan',
    title: plan.title,
    subject: patientRef(plan.clientId),
    period: { start: plan.startDate, ...(plan.endDate ? { end: plan.endDate } : {}) },
    created: plan.createdAt.toISOString(),
    ...(plan.createdById ? { author: practitionerRef(plan.createdById) } : {}),
    ...(plan.goalIds.length
      ? { goal: plan.goalIds.map((id) => ({ reference: `Goal/${id}` })) }
      : {}),
    ...nonEmpty('note', planNotes(plan)),
  };
}

function planExtensions(plan: CarePlanSource): Extension[] {
  const extensions: Extension[] = [
    { url: LocalExtension.PlanReviewDue, valueDate: plan.reviewDueAt },
  ];
  if (plan.agreedOn) {
    extensions.push({
      url: LocalExtension.PlanAgreement,
      extension: [
        { url: 'date', valueDate: plan.agreedOn },
        ...(plan.agreementMethod ? [{ url: 'method', valueCode: plan.agreementMethod }] : []),
      ],
    });
  }
  return extensions;
}

// Strengths come first: a recovery plan is built on what the person already has.
function planNotes(plan: CarePlanSource): Annotation[] {
  return [
    ...plan.strengths.map((s) => ({ text: `Strength: ${s}` })),
    ...plan.barriers.map((b) => ({ text: `Barrier: ${b}` })),
  ];
}

function nonEmpty<K extends string, T>(key: K, items: T[]): Partial<Record<K, T[]>> {
  return items.length ? ({ [key]: items } as Record<K, T[]>) : {};
}

/** `recovery_plan` -> CarePlan (category `plans-goals`). */
export const carePlanResource = defineResource<CarePlan, CarePlanSource>({
  type: 'CarePlan',
  permission: Permission.FhirCarePlanRead,
  documentation: "A client's recovery plan with its goals (category plans-goals of the consent).",
  from: 'recovery_plan r JOIN client c ON c.id = r.client_id',
  id: 'r.id',
  categories: ['plans-goals'],
  columns: `r.id AS id, r.client_id AS "clientId", r.title AS title, r.status AS status,
    r.start_date::text AS "startDate", r.end_date::text AS "endDate",
    r.review_due_at::text AS "reviewDueAt", r.strengths AS strengths, r.barriers AS barriers,
    r.agreed_on::text AS "agreedOn", r.agreement_method AS "agreementMethod",
    r.created_by_id AS "createdById", r.version AS version, r.created_at AS "createdAt",
    r.updated_at AS "updatedAt",
    ARRAY(SELECT g.id::text FROM goal g WHERE g.plan_id = r.id ORDER BY g.created_at, g.id) AS "goalIds"`,
  searchParams: [],
  includesPatient: true,
  toResource: (row) => toCarePlan(row),
});
