import { Injectable } from '@nestjs/common';

import { AccessService } from '../../auth/access.service';
import { correlationOf, Principal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { ValidationError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { FollowUpAssessmentsService } from '../follow-ups/follow-up-assessments.service';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { toAssessmentResponse } from './assessment.mapper';
import { AssessmentRepository } from './assessment.repository';
import {
  barc10Trend,
  BARC10_REMISSION_THRESHOLD,
  isAtOrAboveRemissionThreshold,
  scoreBarc10,
} from './barc10';
import { CreateAssessmentDto } from './dto/assessment.dto';
import { AssessmentResponse, AssessmentTrendResponse } from './dto/assessment.response';

// Clocks of tablets used in the field drift; a little future skew is not an error.
const FUTURE_SKEW_MS = 5 * 60 * 1000;

@Injectable()
export class AssessmentsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly assessments: AssessmentRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly followUps: FollowUpAssessmentsService,
    private readonly webhookEvents: WebhookEventsService,
  ) {}

  async create(
    principal: Principal,
    clientId: string,
    dto: CreateAssessmentDto,
  ): Promise<AssessmentResponse> {
    const administeredAt = dto.administeredAt ? new Date(dto.administeredAt) : new Date();
    if (administeredAt.getTime() > Date.now() + FUTURE_SKEW_MS) {
      throw new ValidationError([
        { field: 'administeredAt', message: 'administeredAt must not be in the future' },
      ]);
    }
    const { total } = scoreBarc10(dto.answers);
    return this.uow.run(principal, async (tx) => {
      const m = tx.manager;
      const client = await this.access.requireClient(principal, clientId, m);
      const id = await this.assessments.insert(m, {
        organizationId: client.organizationId,
        clientId,
        instrument: dto.instrument,
        answers: dto.answers,
        total,
        administeredAt,
        administeredById: principal.id,
      });
      tx.audit({
        action: 'assessment.create',
        clientId,
        resourceType: 'Assessment',
        resourceId: id,
      });
      // A BARC-10 within the day-30 task's window is that task done (same transaction).
      await this.followUps.completeByAssessment(tx, {
        id,
        clientId,
        administeredAt,
      });
      await this.webhookEvents.emit(m, {
        organizationId: client.organizationId,
        type: 'assessment.recorded',
        clientId,
        resource: { type: 'QuestionnaireResponse', id },
        data: { assessmentId: id, instrument: dto.instrument, total },
        correlationId: correlationOf(principal),
      });
      return toAssessmentResponse(await this.assessments.findByIdOrFail(m, id));
    });
  }

  async list(
    principal: Principal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<AssessmentResponse>> {
    const pager = new Pager(query, { principal: principal, list: `assessments:${clientId}` });
    await this.access.requireClient(principal, clientId);
    const rows = await this.assessments.pageForClient(principal.organizationId, clientId, pager);
    await this.audit.recordNow(principal, {
      action: 'assessment.list',
      clientId,
      resourceType: 'Assessment',
    });
    return pager.page(
      rows,
      (a) => ({ key: a.administeredAt.toISOString(), id: a.id }),
      toAssessmentResponse,
    );
  }

  /** Every BARC-10 total of the client, oldest first: a client's series is short (monthly at most). */
  async trend(principal: Principal, clientId: string): Promise<AssessmentTrendResponse> {
    await this.access.requireClient(principal, clientId);
    const rows = await this.assessments.barc10Series(principal.organizationId, clientId);
    await this.audit.recordNow(principal, {
      action: 'assessment.trend',
      clientId,
      resourceType: 'Assessment',
    });
    const changes = barc10Trend(rows.map((r) => r.total));
    return {
      clientId,
      instrument: 'BARC-10',
      remissionThreshold: BARC10_REMISSION_THRESHOLD,
      points: rows.map((r, i) => ({
        assessmentId: r.id,
        administeredAt: r.administeredAt.toISOString(),
        atOrAboveRemissionThreshold: isAtOrAboveRemissionThreshold(r.total),
        ...changes[i],
      })),
    };
  }
}
