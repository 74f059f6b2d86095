import { Injectable } from '@nestjs/common';
import { Role } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { ValidationError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../audit/unit-of-work';
import { contentHash, SignedContent } from './content-hash';
import { CreateAddendumDto, ReviewNoteDto } from './dto/session-note.dto';
import { AddendumResponse, SessionNoteResponse } from './dto/session-note.response';
import { SessionNoteSupport } from './session-note-support.service';
import { SessionNoteRepository } from './session-note.repository';
import { SessionNote } from './session-note.entity';
import { NoteStatus, ReviewDecision } from './session-note.enums';
import { toAddendumResponse, toSessionNoteResponse } from './session-note.mapper';
import { isLateEntry, missingSections } from './session-note.rules';
import {
  CredentialExpiredError,
  NoteAlreadySignedError,
  NoteIncompleteError,
  NoteNotReviewableError,
  NoteNotSignedError,
  NotAuthorSupervisorError,
  NotNoteAuthorError,
} from './session-notes.errors';

const signedContentOf = (n: SessionNote): SignedContent => ({
  noteId: n.id,
  clientId: n.clientId,
  authorId: n.authorId,
  startedAt: n.startedAt,
  endedAt: n.endedAt,
  contactType: n.contactType,
  setting: n.setting,
  format: n.format,
  sections: n.sections,
  goalIds: n.goalIds,
  interventions: n.interventions,
  riskFlags: n.riskFlags,
});

/**
 * draft -> signed -> reviewed. A signature locks the clinical content under a SHA-256 hash;
 * corrections are addenda, never edits (CMS amendment rule). `needs_revision` keeps the note
 * signed and locked: the author answers with an addendum, which puts it back in the review queue.
 */
@Injectable()
export class SessionNoteSigningService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: SessionNoteSupport,
    private readonly notes: SessionNoteRepository,
  ) {}

  async sign(actor: UserPrincipal, id: string): Promise<SessionNoteResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const note = await this.support.requireNote(actor, id, m, true);
      if (note.authorId !== actor.id) throw new NotNoteAuthorError();
      if (note.status !== NoteStatus.Draft) throw new NoteAlreadySignedError();
      const missing = missingSections(note.format, note.sections);
      if (missing.length > 0) throw new NoteIncompleteError(missing);
      if (!(await this.notes.holdsCredential(m, actor.id, actor.organizationId)))
        throw new CredentialExpiredError();
      const signedAt = new Date();
      await this.notes.markSigned(m, id, {
        signedAt,
        contentHash: contentHash(signedContentOf(note)),
        lateEntry: isLateEntry(note.endedAt, signedAt),
      });
      const signed = await this.notes.findById(m, id);
      await this.support.recordContact(m, signed);
      this.support.enqueueCrisis(tx, signed);
      tx.audit({
        action: 'session-note.sign',
        clientId: note.clientId,
        resourceType: 'SessionNote',
        resourceId: id,
      });
      return this.support.withPlanPointer(m, toSessionNoteResponse(signed));
    });
  }

  /**
   * A dated, attributed correction by the author or a supervisor; the note's content is untouched.
   * An addendum to a reviewed note sends it back to `signed`, into the review queue: the reviewer
   * has not seen the correction.
   */
  async addAddendum(
    actor: UserPrincipal,
    id: string,
    dto: CreateAddendumDto,
  ): Promise<AddendumResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const note = await this.support.requireNote(actor, id, m);
      if (note.authorId !== actor.id && actor.role !== Role.Supervisor)
        throw new NotAuthorSupervisorError();
      if (note.status === NoteStatus.Draft) throw new NoteNotSignedError();
      const addendum = await this.notes.insertAddendum(m, {
        organizationId: actor.organizationId,
        noteId: id,
        clientId: note.clientId,
        authorId: actor.id,
        text: dto.text,
      });
      if (note.status === NoteStatus.Reviewed) await this.notes.reopenForReview(m, id);
      tx.audit({
        action: 'session-note.addendum.create',
        clientId: note.clientId,
        resourceType: 'SessionNoteAddendum',
        resourceId: addendum.id,
      });
      return toAddendumResponse(addendum);
    });
  }

  /** A supervisor of the author's team: approved -> reviewed; needs_revision stays signed. */
  async review(actor: UserPrincipal, id: string, dto: ReviewNoteDto): Promise<SessionNoteResponse> {
    const comment = dto.comment?.trim() || null;
    if (dto.decision === ReviewDecision.NeedsRevision && !comment) {
      throw new ValidationError([
        { field: 'comment', message: 'comment is required when the decision is needs_revision' },
      ]);
    }
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const note = await this.support.requireNote(actor, id, m, true);
      if (!(await this.support.supervises(m, actor.id, note.authorId)))
        throw new NotAuthorSupervisorError();
      if (note.status !== NoteStatus.Signed) throw new NoteNotReviewableError();
      await this.notes.recordReview(m, id, {
        status: dto.decision === ReviewDecision.Approved ? NoteStatus.Reviewed : NoteStatus.Signed,
        reviewedAt: new Date(),
        reviewerId: actor.id,
        reviewDecision: dto.decision,
        reviewComment: comment,
      });
      const reviewed = await this.notes.findById(m, id);
      tx.audit({
        action: 'session-note.review',
        clientId: note.clientId,
        resourceType: 'SessionNote',
        resourceId: id,
      });
      return this.support.withPlanPointer(m, toSessionNoteResponse(reviewed));
    });
  }
}
