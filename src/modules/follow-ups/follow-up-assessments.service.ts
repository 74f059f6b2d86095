import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { ValidationError } from '../../common/errors/domain-error';
import { WriteTx } from '../audit/unit-of-work';
import { FollowUp } from './follow-up.entity';
import { FollowUpRepository } from './follow-up.repository';

/**
 * The day-30 BARC-10 task (SPEC 7) and the assessment that fulfils it, both ways: recording a
 * BARC-10 within an open assessment task's window completes the task, and completing the task
 * links the client's BARC-10.
 */
@Injectable()
export class FollowUpAssessmentsService {
  constructor(private readonly repo: FollowUpRepository) {}

  /**
   * In the assessment's own transaction: completes the client's open assessment tasks whose window
   * holds `administeredAt`, linking the assessment, audited like a completion. Returns their ids.
   */
  async completeByAssessment(
    tx: WriteTx,
    assessment: { id: string; clientId: string; administeredAt: Date },
  ): Promise<string[]> {
    const ids = await this.repo.completeByAssessment(tx.manager, assessment);
    for (const id of ids) {
      tx.audit({
        action: 'follow-up.complete',
        clientId: assessment.clientId,
        resourceType: 'FollowUp',
        resourceId: id,
      });
    }
    return ids;
  }

  /**
   * The assessment a completing task links: the one named (a BARC-10 of the task's client), else
   * the latest administered within the task's window, else none. Only assessment tasks take one.
   */
  async assessmentFor(
    m: EntityManager,
    f: FollowUp,
    assessmentId: string | undefined,
  ): Promise<string | null> {
    if (f.kind !== 'assessment') {
      if (assessmentId) throw invalid('only an assessment follow-up takes an assessmentId');
      return null;
    }
    if (assessmentId) {
      if (!(await this.repo.isBarc10OfClient(m, assessmentId, f.clientId, f.organizationId)))
        throw invalid('assessmentId must be a BARC-10 of this client');
      return assessmentId;
    }
    return this.repo.latestBarc10Between(m, f.clientId, f.windowStart, f.windowEnd);
  }
}

const invalid = (message: string): ValidationError =>
  new ValidationError([{ field: 'assessmentId', message }]);
