import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { ValidationError } from '../../common/errors/domain-error';
import { WriteTx } from '../audit/unit-of-work';
import { OPEN_STATUSES } from './follow-up-status';
import { FollowUp } from './follow-up.entity';

const OPEN = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

// One statement decides "once": the row lock makes concurrent recordings queue, and each re-checks
// the status after the one before it committed, so only the first completes the task.
const COMPLETE_BY_ASSESSMENT = `UPDATE follow_up SET status = 'completed', outcome = 'reached',
    completed_at = $3, assessment_id = $2, version = version + 1, updated_at = now()
  WHERE client_id = $1 AND kind = 'assessment' AND status IN ${OPEN}
    AND $3 BETWEEN window_start AND window_end
  RETURNING id`;

/**
 * The day-30 BARC-10 task (SPEC 7) and the assessment that fulfils it, both ways: recording a
 * BARC-10 within an open assessment task's window completes the task, and completing the task
 * links the client's BARC-10.
 */
@Injectable()
export class FollowUpAssessmentsService {
  /**
   * In the assessment's own transaction: completes the client's open assessment tasks whose window
   * holds `administeredAt`, linking the assessment, audited like a completion. Returns their ids.
   */
  async completeByAssessment(
    tx: WriteTx,
    assessment: { id: string; clientId: string; administeredAt: Date },
  ): Promise<string[]> {
    const [rows] = (await tx.manager.query(COMPLETE_BY_ASSESSMENT, [
      assessment.clientId,
      assessment.id,
      assessment.administeredAt,
    ])) as [{ id: string }[], number];
    for (const { id } of rows) {
      tx.audit({
        action: 'follow-up.complete',
        clientId: assessment.clientId,
        resourceType: 'FollowUp',
        resourceId: id,
      });
    }
    return rows.map((r) => r.id);
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
      const rows: unknown[] = await m.query(
        `SELECT 1 FROM assessment WHERE id = $1 AND client_id = $2 AND organization_id = $3
           AND instrument = 'BARC-10'`,
        [assessmentId, f.clientId, f.organizationId],
      );
      if (rows.length === 0) throw invalid('assessmentId must be a BARC-10 of this client');
      return assessmentId;
    }
    const [latest]: { id: string }[] = await m.query(
      `SELECT id FROM assessment WHERE client_id = $1 AND instrument = 'BARC-10'
         AND administered_at BETWEEN $2 AND $3 ORDER BY administered_at DESC, id DESC LIMIT 1`,
      [f.clientId, f.windowStart, f.windowEnd],
    );
    return latest?.id ?? null;
  }
}

const invalid = (message: string): ValidationError =>
  new ValidationError([{ field: 'assessmentId', message }]);
