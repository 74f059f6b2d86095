import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { supervises } from '../../auth/access/scope.sql';
import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { JobName } from '../../queue/jobs';
import { WriteTx } from '../audit/unit-of-work';
import { RelapsePreventionService } from '../relapse-prevention/relapse-prevention.service';
import { SessionNoteResponse } from './dto/session-note.response';
import { SessionNote } from './session-note.entity';
import { ContactType, hasCrisisFlag } from './session-note.enums';
import { SessionNoteNotFoundError } from './session-notes.errors';

/** What the note use cases share: scoped loading, team checks, goal checks and side effects. */
@Injectable()
export class SessionNoteSupport {
  constructor(
    private readonly access: AccessService,
    private readonly relapsePlans: RelapsePreventionService,
  ) {}

  /**
   * A note that raises a risk flag points to the client's relapse-prevention plan (its id and
   * last review), so whoever reads or writes it sees at once whether the plan needs going over.
   */
  async withPlanPointer(m: EntityManager, note: SessionNoteResponse): Promise<SessionNoteResponse> {
    if (note.riskFlags.length === 0) return note;
    return { ...note, relapsePreventionPlan: await this.relapsePlans.pointerFor(m, note.clientId) };
  }

  /** The note when its client is in the caller's scope; otherwise the same 404 as a missing note. */
  async requireNote(
    principal: Principal,
    id: string,
    m: EntityManager,
    lock = false,
  ): Promise<SessionNote> {
    const qb = m
      .getRepository(SessionNote)
      .createQueryBuilder('n')
      .where('n.id = :id AND n.organization_id = :org', { id, org: principal.organizationId });
    if (lock) qb.setLock('pessimistic_write');
    const note = await qb.getOne();
    if (!note) throw new SessionNoteNotFoundError();
    try {
      await this.access.requireClient(principal, note.clientId, m);
    } catch (err) {
      if (err instanceof NotFoundError) throw new SessionNoteNotFoundError();
      throw err;
    }
    return note;
  }

  /** The client of a goal in the caller's scope; otherwise the same 404 as a missing goal. */
  async requireGoalClient(principal: Principal, goalId: string, m: EntityManager): Promise<string> {
    const [goal]: { client_id: string }[] = await m.query(
      `SELECT client_id FROM goal WHERE id = $1 AND organization_id = $2`,
      [goalId, principal.organizationId],
    );
    if (!goal) throw new NotFoundError('Goal');
    try {
      await this.access.requireClient(principal, goal.client_id, m);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError('Goal');
      throw err;
    }
    return goal.client_id;
  }

  /** True when `supervisorId` supervises a team the author is a member of. */
  async supervises(m: EntityManager, supervisorId: string, authorId: string): Promise<boolean> {
    const [row] = await m.query(`SELECT ${supervises('$1', '$2')} AS ok`, [supervisorId, authorId]);
    return row.ok;
  }

  /** Goals addressed must be this client's. */
  async assertGoals(m: EntityManager, clientId: string, goalIds: string[]): Promise<void> {
    if (goalIds.length === 0) return;
    const [row] = await m.query(
      `SELECT count(*)::int AS n FROM goal WHERE id = ANY($1::uuid[]) AND client_id = $2`,
      [goalIds, clientId],
    );
    if (row.n !== goalIds.length)
      throw new ValidationError([
        { field: 'goalIds', message: 'each goal must be a goal of this client' },
      ]);
  }

  /** A real contact moves the client's "last contact" forward, never back. */
  async recordContact(m: EntityManager, note: SessionNote): Promise<void> {
    if (note.contactType === ContactType.OutreachAttempt) return;
    await m.query(
      `UPDATE client SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = $1`,
      [note.clientId, note.startedAt],
    );
  }

  /** Overdose risk or suicidal ideation: the author's supervisors hear at once (queued, same transaction). */
  enqueueCrisis(tx: WriteTx, note: SessionNote): void {
    if (!hasCrisisFlag(note.riskFlags)) return;
    tx.enqueue([
      {
        name: JobName.NoteCrisisFlag,
        jobId: `note-crisis-${note.id}`,
        payload: {
          organizationId: note.organizationId,
          noteId: note.id,
          clientId: note.clientId,
        },
      },
    ]);
  }
}
