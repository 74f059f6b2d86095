import {
  RelapsePlanPointerResponse,
  RelapsePlanVersionResponse,
  RelapsePreventionPlanResponse,
} from './dto/relapse-prevention-plan.response';
import { PutRelapsePreventionPlanDto } from './dto/relapse-prevention-plan.dto';
import {
  DEFAULT_CRISIS_CONTACTS,
  DEFAULT_CRISIS_STEPS,
  RelapsePlanContent,
} from './relapse-plan-content';

export interface PlanRow {
  id: string;
  clientId: string;
  version: number;
  lastReviewedOn: string | null;
  lastReviewedById: string | null;
  reviewDueOn: string;
  reviewOverdue: boolean;
  createdById: string;
  updatedById: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface VersionRow {
  planId: string;
  clientId: string;
  version: number;
  content: RelapsePlanContent;
  authorId: string;
  reviewedOn: string | null;
  reviewedById: string | null;
  createdAt: Date;
}

/** The stored content of a PUT: every list present, crisis steps and contacts defaulted to 988. */
export function toContent(dto: PutRelapsePreventionPlanDto): RelapsePlanContent {
  return {
    triggers: dto.triggers ?? [],
    warningSigns: dto.warningSigns ?? [],
    copingStrategies: dto.copingStrategies ?? [],
    peopleToCall: (dto.peopleToCall ?? []).map((p) => ({
      name: p.name,
      relationship: p.relationship ?? null,
      phone: p.phone ?? null,
      when: p.when ?? null,
    })),
    helpfulPlaces: (dto.helpfulPlaces ?? []).map((p) => ({
      name: p.name,
      kind: p.kind ?? 'place',
      details: p.details ?? null,
    })),
    crisisSteps: dto.crisisSteps ?? DEFAULT_CRISIS_STEPS,
    crisisContacts: (dto.crisisContacts ?? DEFAULT_CRISIS_CONTACTS).map((c) => ({
      name: c.name,
      phone: c.phone,
    })),
    reasonsForRecovery: dto.reasonsForRecovery ?? [],
  };
}

// Whitelists the content's fields: a stored value never carries more than this out.
function contentOf(c: RelapsePlanContent): RelapsePlanContent {
  return {
    triggers: c.triggers,
    warningSigns: c.warningSigns,
    copingStrategies: c.copingStrategies,
    peopleToCall: c.peopleToCall,
    helpfulPlaces: c.helpfulPlaces,
    crisisSteps: c.crisisSteps,
    crisisContacts: c.crisisContacts,
    reasonsForRecovery: c.reasonsForRecovery,
  };
}

export function toPlanResponse(
  row: PlanRow,
  content: RelapsePlanContent,
): RelapsePreventionPlanResponse {
  return {
    id: row.id,
    clientId: row.clientId,
    version: row.version,
    ...contentOf(content),
    lastReviewedOn: row.lastReviewedOn,
    lastReviewedById: row.lastReviewedById,
    reviewDueOn: row.reviewDueOn,
    reviewOverdue: row.reviewOverdue,
    createdById: row.createdById,
    updatedById: row.updatedById,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toVersionResponse(row: VersionRow): RelapsePlanVersionResponse {
  return {
    planId: row.planId,
    clientId: row.clientId,
    version: row.version,
    ...contentOf(row.content),
    authorId: row.authorId,
    reviewedOn: row.reviewedOn,
    reviewedById: row.reviewedById,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toPointer(row: RelapsePlanPointerResponse): RelapsePlanPointerResponse {
  return {
    id: row.id,
    version: row.version,
    lastReviewedOn: row.lastReviewedOn,
    reviewDueOn: row.reviewDueOn,
    reviewOverdue: row.reviewOverdue,
  };
}
