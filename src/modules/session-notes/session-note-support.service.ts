import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { JobName } from '../../queue/jobs';
import { WriteTx } from '../audit/unit-of-work';
import { RelapsePreventionService } from '../relapse-prevention/relapse-prevention.service';
import { SessionNoteResponse } from './dto/session-note.response';
import { SessionNote } from './session-note.entity';
import { SessionNoteRepository } from './session-note.repository';
import { ContactType, hasCrisisFlag } from './session-note.enums';
import { SessionNoteNotFoundError } from './session-notes.errors';

/** What the note use cases share: scoped loading, team checks, goal checks and side effects. */
@Injectable()
export class SessionNoteSupport {
  constructor(
    private readonly access: AccessService,
    private readonly relapsePlans: RelapsePreventionService,
    private readonly notes: SessionNoteRepository,
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
    const note = await this.notes.findInOrg(m, id, principal.organizationId, lock);
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
    const clientId = await this.notes.goalClientId(m, goalId, principal.organizationId);
    if (!clientId) throw new NotFoundError('Goal');
    try {
      await this.access.requireClient(principal, clientId, m);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError('Goal');
      throw err;
    }
    return clientId;
  }

  /** True when `supervisorId` supervises a team the author is a member of. */
  async supervises(m: EntityManager, supervisorId: string, authorId: string): Promise<boolean> {
    return this.notes.supervises(m, supervisorId, authorId);
  }

  /** Goals addressed must be this client's. */
  async assertGoals(m: EntityManager, clientId: string, goalIds: string[]): Promise<void> {
    if (goalIds.length === 0) return;
    if ((await this.notes.countClientGoals(m, clientId, goalIds)) !== goalIds.length)
      throw new ValidationError([
        { field: 'goalIds', message: 'each goal must be a goal of this client' },
      ]);
  }

  /** A real contact moves the client's "last contact" forward, never back. */
  async recordContact(m: EntityManager, note: SessionNote): Promise<void> {
    if (note.contactType === ContactType.OutreachAttempt) return;
    await this.notes.advanceLastContact(m, note.clientId, note.startedAt);
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
