import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'stream';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';

import {
  clientScope,
  organizationSupervisorIds,
  teamSupervisorIds,
} from '../../auth/access/scope.sql';
import { Principal } from '../../auth/principal';
import { inSnapshot, poolOf, streamRows } from '../../common/csv/csv';
import { Keyset } from '../../common/dto/pagination';
import { JobName, JobRequest } from '../../queue/jobs';
import { FollowUpQuery } from './dto/follow-up.dto';
import { FollowUpAttempt } from './follow-up-attempt.entity';
import { FollowUpStatus, OPEN_STATUSES } from './follow-up-status';
import { FollowUp } from './follow-up.entity';
import { FOLLOW_UP_CSV_SELECT } from './follow-up.csv';

const sqlList = (values: string[]): string => `(${values.map((v) => `'${v}'`).join(', ')})`;
const OPEN = sqlList(OPEN_STATUSES);
const OPEN_OR_HELD = sqlList([...OPEN_STATUSES, 'on-hold']);

// One statement decides "once": the row lock makes concurrent recordings queue, and each re-checks
// the status after the one before it committed, so only the first completes the task.
const COMPLETE_BY_ASSESSMENT = `UPDATE follow_up SET status = 'completed', outcome = 'reached',
    completed_at = $3, assessment_id = $2, version = version + 1, updated_at = now()
  WHERE client_id = $1 AND kind = 'assessment' AND status IN ${OPEN}
    AND $3 BETWEEN window_start AND window_end
  RETURNING id`;

// $1 organization, $2 owner: the supervisors of the teams the owner is on.
const TEAM_SUPERVISORS = teamSupervisorIds({ members: '= $2', org: '$1' });
// $1 organization: its supervisors (the "needs assignment" queue is theirs to work).
const ORGANIZATION_SUPERVISORS = organizationSupervisorIds('$1');

/** The filters of the follow-up list and its CSV export. */
export type FollowUpFilter = Pick<FollowUpQuery, 'clientId' | 'status' | 'view'>;

/** A follow-up task as a job sees it: `open` and `done_at` tell whether it still has work. */
export interface TaskRow {
  id: string;
  organization_id: string;
  client_id: string;
  owner_id: string | null;
  label: string;
  due_at: Date;
  window_end: Date;
  open: boolean;
  done_at: Date | null;
}

/** A follow_up_job row the reconciler checks against Redis. */
export interface PendingJob {
  job_id: string;
  job_name: string;
  payload: Record<string, unknown>;
  run_at: Date;
}

/** Every statement of follow-up tasks, their attempts and their jobs (follow_up_job). */
@Injectable()
export class FollowUpRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The primary's manager, for the reads a request makes outside a write. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** `work` in a transaction of its own (a worker's write outside a unit of work). */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // --- reads through the caller's client scope ---

  private scoped(manager: EntityManager, actor: Principal): SelectQueryBuilder<FollowUp> {
    const qb = manager
      .createQueryBuilder(FollowUp, 'f')
      .innerJoin('client', 'c', 'c.id = f.client_id');
    const scope = clientScope(actor, 'c');
    return qb.andWhere(`(${scope.sql})`, scope.params);
  }

  private filtered(actor: Principal, filter: FollowUpFilter): SelectQueryBuilder<FollowUp> {
    const qb = this.scoped(this.dataSource.manager, actor);
    if (filter.clientId) qb.andWhere('f.client_id = :clientId', { clientId: filter.clientId });
    if (filter.status) qb.andWhere('f.status = :status', { status: filter.status });
    if (filter.view) qb.andWhere(`f.status IN ${OPEN}`);
    switch (filter.view) {
      case 'mine':
        qb.andWhere('f.owner_id = :me', { me: actor.id });
        break;
      case 'due-today':
        qb.andWhere(`f.due_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`);
        qb.andWhere(
          `f.due_at < (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC'`,
        );
        break;
      case 'overdue':
        qb.andWhere('f.due_at < now()');
        break;
      case 'needs-assignment':
        qb.andWhere('f.owner_id IS NULL');
        break;
    }
    return qb;
  }

  /** A page of the tasks in scope, soonest due first, after `after`. */
  pageInScope(
    actor: Principal,
    filter: FollowUpFilter,
    after: Keyset | undefined,
    limit: number,
  ): Promise<FollowUp[]> {
    const qb = this.filtered(actor, filter);
    if (after) {
      qb.andWhere('(f.due_at, f.id) > (:afterKey::timestamptz, :afterId::uuid)', {
        afterKey: after.key,
        afterId: after.id,
      });
    }
    return qb.orderBy('f.due_at', 'ASC').addOrderBy('f.id', 'ASC').limit(limit).getMany();
  }

  /**
   * Every task in scope with the filters, soonest due first, as CSV rows streamed from one
   * cursor. Before the first row, `beforeRows` runs in the export's own snapshot with the
   * statement that lists the export's clients (for its audit).
   */
  streamInScope(
    actor: Principal,
    filter: FollowUpFilter,
    beforeRows: (m: EntityManager, clients: { text: string; values: unknown[] }) => Promise<void>,
  ): Promise<Readable> {
    const qb = this.filtered(actor, filter);
    const [clientsText, clientsValues] = qb
      .clone()
      .select('f.client_id', 'client_id')
      .getQueryAndParameters();
    const [text, values] = qb
      .select(FOLLOW_UP_CSV_SELECT)
      .orderBy('f.due_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .getQueryAndParameters();
    return streamRows(
      poolOf(this.dataSource),
      { text, values },
      {
        beforeRows: (snapshot) =>
          inSnapshot(this.dataSource, snapshot, (m) =>
            beforeRows(m, { text: clientsText, values: clientsValues }),
          ),
      },
    );
  }

  /** The task when its client is in the caller's scope, or null; `lock` takes it FOR UPDATE. */
  findInScope(
    m: EntityManager,
    actor: Principal,
    id: string,
    lock = false,
  ): Promise<FollowUp | null> {
    const qb = this.scoped(m, actor).andWhere('f.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write', undefined, ['f']);
    return qb.getOne();
  }

  /** The attempts on these tasks, oldest first. */
  attemptsOf(m: EntityManager, ids: string[]): Promise<FollowUpAttempt[]> {
    return m
      .createQueryBuilder(FollowUpAttempt, 'a')
      .where('a.follow_up_id IN (:...ids)', { ids })
      .orderBy('a.attempted_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
  }

  findById(m: EntityManager, id: string): Promise<FollowUp> {
    return m.findOneByOrFail(FollowUp, { id });
  }

  // --- writes ---

  /** The task's status, with the columns (snake_case) that go with it. */
  async setStatus(
    m: EntityManager,
    id: string,
    status: FollowUpStatus,
    extra: Record<string, unknown>,
  ): Promise<void> {
    const columns = Object.keys(extra);
    const sets = columns.map((c, i) => `${c} = $${i + 3}`);
    await m.query(
      `UPDATE follow_up SET status = $2, ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1`,
      [id, status, ...columns.map((c) => extra[c])],
    );
  }

  async insertAttempt(m: EntityManager, attempt: Partial<FollowUpAttempt>): Promise<void> {
    await m.insert(FollowUpAttempt, attempt);
  }

  /** Cancels the client's open and held tasks; their ids. */
  cancelOpenOfClient(m: EntityManager, clientId: string, reason: string): Promise<string[]> {
    return this.bulkStatus(
      m,
      `client_id = $1 AND status IN ${OPEN_OR_HELD}`,
      [clientId],
      'cancelled',
      reason,
    );
  }

  /** Puts the client's open tasks on hold; their ids. */
  holdOpenOfClient(m: EntityManager, clientId: string, reason: string): Promise<string[]> {
    return this.bulkStatus(
      m,
      `client_id = $1 AND status IN ${OPEN}`,
      [clientId],
      'on-hold',
      reason,
    );
  }

  /** Cancels the open and held tasks of the client's discharges up to `admittedAt`; their ids. */
  cancelOfEarlierDischarges(
    m: EntityManager,
    clientId: string,
    admittedAt: Date,
  ): Promise<string[]> {
    return this.bulkStatus(
      m,
      `client_id = $1 AND status IN ${OPEN_OR_HELD}
       AND discharge_id IN (SELECT id FROM discharge WHERE client_id = $1 AND discharged_at <= $2)`,
      [clientId, admittedAt],
      'cancelled',
      'superseded',
    );
  }

  /** The client's open and held tasks go to `ownerId` (null: needs assignment). */
  async reassignOpenOfClient(
    m: EntityManager,
    clientId: string,
    ownerId: string | null,
  ): Promise<void> {
    await m.query(
      `UPDATE follow_up SET owner_id = $2, version = version + 1, updated_at = now()
       WHERE client_id = $1 AND status IN ${OPEN_OR_HELD} AND owner_id IS DISTINCT FROM $2`,
      [clientId, ownerId],
    );
  }

  private async bulkStatus(
    m: EntityManager,
    where: string,
    params: unknown[],
    status: FollowUpStatus,
    reason: string,
  ): Promise<string[]> {
    const n = params.length;
    const [rows] = (await m.query(
      `UPDATE follow_up SET status = $${n + 1}, status_reason = $${n + 2}, version = version + 1, updated_at = now()
       WHERE ${where} RETURNING id`,
      [...params, status, reason],
    )) as [{ id: string }[], number];
    return rows.map((r) => r.id);
  }

  /** True when the note is a session note of this client of the organization. */
  async isNoteOfClient(
    m: EntityManager,
    noteId: string,
    clientId: string,
    organizationId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM session_note WHERE id = $1 AND client_id = $2 AND organization_id = $3`,
      [noteId, clientId, organizationId],
    );
    return rows.length > 0;
  }

  /** The client's "last contact" is now (never moved back). */
  async touchLastContact(m: EntityManager, clientId: string): Promise<void> {
    await m.query(
      `UPDATE client SET last_contact_at = greatest(last_contact_at, now()) WHERE id = $1`,
      [clientId],
    );
  }

  /** One more "unable to reach": the count, and the organization's threshold (else `fallback`). */
  async countUnreachable(
    m: EntityManager,
    id: string,
    organizationId: string,
    fallback: number,
  ): Promise<{ unreachable_attempts: number; threshold: number }> {
    const [[row]] = (await m.query(
      `UPDATE follow_up SET unreachable_attempts = unreachable_attempts + 1 WHERE id = $1
       RETURNING unreachable_attempts,
         coalesce((SELECT (settings->>'followUpUnreachableEscalationAttempts')::int FROM organization WHERE id = $2), $3) AS threshold`,
      [id, organizationId, fallback],
    )) as [{ unreachable_attempts: number; threshold: number }[], number];
    return row;
  }

  // --- the day-30 BARC-10 task and its assessment ---

  /** Completes the client's open assessment tasks whose window holds `administeredAt`; their ids. */
  async completeByAssessment(
    m: EntityManager,
    assessment: { id: string; clientId: string; administeredAt: Date },
  ): Promise<string[]> {
    const [rows] = (await m.query(COMPLETE_BY_ASSESSMENT, [
      assessment.clientId,
      assessment.id,
      assessment.administeredAt,
    ])) as [{ id: string }[], number];
    return rows.map((r) => r.id);
  }

  /** True when the assessment is a BARC-10 of this client of the organization. */
  async isBarc10OfClient(
    m: EntityManager,
    assessmentId: string,
    clientId: string,
    organizationId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM assessment WHERE id = $1 AND client_id = $2 AND organization_id = $3
           AND instrument = 'BARC-10'`,
      [assessmentId, clientId, organizationId],
    );
    return rows.length > 0;
  }

  /** The client's latest BARC-10 administered in [start, end], or null. */
  async latestBarc10Between(
    m: EntityManager,
    clientId: string,
    start: Date,
    end: Date,
  ): Promise<string | null> {
    const [latest]: { id: string }[] = await m.query(
      `SELECT id FROM assessment WHERE client_id = $1 AND instrument = 'BARC-10'
         AND administered_at BETWEEN $2 AND $3 ORDER BY administered_at DESC, id DESC LIMIT 1`,
      [clientId, start, end],
    );
    return latest?.id ?? null;
  }

  // --- jobs (follow_up_job) ---

  /** One follow_up_job row per job, in one INSERT; the ids of those not recorded before. */
  async insertJobs(
    m: EntityManager,
    jobs: JobRequest<JobName.FollowUpReminder | JobName.FollowUpEscalation>[],
  ): Promise<Set<string>> {
    const values: unknown[] = [];
    const tuples = jobs.map((job, i) => {
      values.push(
        job.jobId,
        job.payload.organizationId,
        job.payload.followUpId,
        job.name,
        JSON.stringify(job.payload),
      );
      values.push((job.runAt ?? new Date()).toISOString());
      const b = i * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
    });
    const inserted: { job_id: string }[] = await m.query(
      `INSERT INTO follow_up_job (job_id, organization_id, follow_up_id, job_name, payload, run_at)
       VALUES ${tuples.join(', ')} ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
      values,
    );
    return new Set(inserted.map((r) => r.job_id));
  }

  /**
   * The task behind a job, with whether it is open (or, with `orFailed`, closed as failed) and
   * whether the job already had its effect; undefined when there is no such job.
   */
  async taskOfJob(
    jobId: string,
    followUpId: string,
    orFailed: boolean,
  ): Promise<TaskRow | undefined> {
    const [task]: TaskRow[] = await this.dataSource.query(
      `SELECT f.id, f.organization_id, f.client_id, f.owner_id, f.label, f.due_at, f.window_end,
              f.status IN ('requested', 'ready', 'in-progress') OR ($3 AND f.status = 'failed') AS open,
              j.done_at
       FROM follow_up f JOIN follow_up_job j ON j.follow_up_id = f.id AND j.job_id = $1
       WHERE f.id = $2`,
      [jobId, followUpId, orFailed],
    );
    return task;
  }

  /** The supervisors of the teams the owner is on. */
  async teamSupervisorIds(organizationId: string, ownerId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(TEAM_SUPERVISORS, [
      organizationId,
      ownerId,
    ]);
    return rows.map((r) => r.id);
  }

  /** The organization's supervisors. */
  async organizationSupervisorIds(organizationId: string): Promise<string[]> {
    const all: { id: string }[] = await this.dataSource.query(ORGANIZATION_SUPERVISORS, [
      organizationId,
    ]);
    return all.map((r) => r.id);
  }

  /** Marks the job done in `m`; false when it already was. */
  async markJobDoneIn(m: EntityManager, jobId: string): Promise<boolean> {
    // An UPDATE ... RETURNING answers [rows, affected] through TypeORM.
    const [marked]: [unknown[], number] = await m.query(
      `UPDATE follow_up_job SET done_at = now() WHERE job_id = $1 AND done_at IS NULL RETURNING 1`,
      [jobId],
    );
    return marked.length > 0;
  }

  async markJobDone(jobId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE follow_up_job SET done_at = now() WHERE job_id = $1 AND done_at IS NULL`,
      [jobId],
    );
  }

  /** Up to `limit` jobs not done, of tasks still open (or failed's "unreachable"), after `after`. */
  pendingJobsAfter(after: string, limit: number): Promise<PendingJob[]> {
    return this.dataSource.query(
      `SELECT j.job_id, j.job_name, j.payload, j.run_at FROM follow_up_job j
       JOIN follow_up f ON f.id = j.follow_up_id
       WHERE j.done_at IS NULL AND j.job_id > $1
         AND (f.status IN ('requested', 'ready', 'in-progress')
           OR (f.status = 'failed' AND j.payload->>'reason' = 'unreachable'))
       ORDER BY j.job_id LIMIT ${limit}`,
      [after],
    );
  }

  /** Those of `jobIds` still not done. */
  async stillPendingJobIds(jobIds: string[]): Promise<string[]> {
    const rows: { job_id: string }[] = await this.dataSource.query(
      `SELECT job_id FROM follow_up_job WHERE job_id = ANY($1) AND done_at IS NULL`,
      [jobIds],
    );
    return rows.map((r) => r.job_id);
  }
}
