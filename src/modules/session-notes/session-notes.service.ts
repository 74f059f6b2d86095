import { Injectable } from '@nestjs/common';

import { requireFilterableSpecialist } from '../../auth/access/specialist-scope';
import { AccessService } from '../../auth/access.service';
import { Role } from '../../auth/permissions';
import { Principal, UserPrincipal } from '../../auth/principal';
import { Page, Pager } from '../../common/dto/pagination';
import { FieldError, ValidationError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { CreateSessionNoteDto, UpdateSessionNoteDto } from './dto/session-note.dto';
import { ClientNotesQuery, NoteSearchQuery } from './dto/session-note.query';
import { SessionNoteResponse } from './dto/session-note.response';
import { findStigmatizingLanguage } from './recovery-language';
import { SessionNoteSupport } from './session-note-support.service';
import { SessionNoteRepository } from './session-note.repository';
import { SessionNote } from './session-note.entity';
import { NoteStatus } from './session-note.enums';
import { toAddendumResponse, toSessionNoteResponse } from './session-note.mapper';
import { periodErrors, sectionErrors } from './session-note.rules';
import { NoteAlreadySignedError, NotNoteAuthorError } from './session-notes.errors';

const throwIfAny = (errors: FieldError[]): void => {
  if (errors.length > 0) throw new ValidationError(errors);
};

/** Drafting and reading session notes. Signing, addenda and review: SessionNoteSigningService. */
@Injectable()
export class SessionNotesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly notes: SessionNoteRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly support: SessionNoteSupport,
  ) {}

  async create(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateSessionNoteDto,
  ): Promise<SessionNoteResponse> {
    const sections = dto.sections ?? {};
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m);
      const startedAt = new Date(dto.startedAt);
      const endedAt = new Date(dto.endedAt);
      throwIfAny([
        ...periodErrors(startedAt, endedAt, new Date()),
        ...sectionErrors(dto.format, sections),
      ]);
      await this.support.assertGoals(m, clientId, dto.goalIds ?? []);
      const note = await this.notes.insertDraft(m, {
        organizationId: actor.organizationId,
        clientId,
        authorId: actor.id,
        startedAt,
        endedAt,
        contactType: dto.contactType,
        setting: dto.setting ?? null,
        format: dto.format,
        sections,
        goalIds: dto.goalIds ?? [],
        interventions: dto.interventions ?? [],
        riskFlags: dto.riskFlags ?? [],
      });
      await this.support.recordContact(m, note);
      this.support.enqueueCrisis(tx, note);
      tx.audit({
        action: 'session-note.create',
        clientId,
        resourceType: 'SessionNote',
        resourceId: note.id,
      });
      return this.support.withPlanPointer(m, {
        ...toSessionNoteResponse(note),
        warnings: findStigmatizingLanguage(sections),
      });
    });
  }

  async listForClient(
    actor: Principal,
    clientId: string,
    query: ClientNotesQuery,
  ): Promise<Page<SessionNoteResponse>> {
    const pager = new Pager(query, { principal: actor, list: `session-notes:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const rows = await this.notes.pageForClient(clientId, query.status, pager);
    await this.audit.recordNow(actor, {
      action: 'session-note.list',
      clientId,
      resourceType: 'SessionNote',
    });
    return this.toNotePage(rows, pager);
  }

  /** Notes across the caller's scope: drafts to finish, or a supervisor's review queue. */
  async search(actor: UserPrincipal, query: NoteSearchQuery): Promise<Page<SessionNoteResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'session-notes' });
    if (query.authorId) {
      await requireFilterableSpecialist(this.notes.manager, actor, query.authorId);
    }
    const goalClientId = query.goalId
      ? await this.support.requireGoalClient(actor, query.goalId, this.notes.manager)
      : null;
    const rows = await this.notes.searchInScope(
      actor,
      {
        status: query.status,
        authorId: query.authorId,
        goalClientId,
        goalId: query.goalId,
        awaitingReview: query.awaitingReview,
        // A supervisor reviews the notes of their own teams' specialists only.
        reviewerId: actor.role === Role.Supervisor ? actor.id : null,
      },
      pager,
    );
    await this.auditReads(actor, rows, query.limit);
    return this.toNotePage(rows, pager);
  }

  async get(actor: Principal, id: string): Promise<SessionNoteResponse> {
    const note = await this.support.requireNote(actor, id, this.notes.manager);
    const addenda = await this.notes.addendaOf(id);
    await this.audit.recordNow(actor, {
      action: 'session-note.read',
      clientId: note.clientId,
      resourceType: 'SessionNote',
      resourceId: id,
    });
    return this.support.withPlanPointer(this.notes.manager, {
      ...toSessionNoteResponse(note),
      addenda: addenda.map(toAddendumResponse),
    });
  }

  /** Drafts only, by their author, under If-Match. A signed note answers 409: corrections are addenda. */
  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateSessionNoteDto,
  ): Promise<SessionNoteResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const note = await this.support.requireNote(actor, id, m);
      if (note.status !== NoteStatus.Draft) throw new NoteAlreadySignedError();
      if (note.authorId !== actor.id) throw new NotNoteAuthorError();
      const patch = this.validatedPatch(note, dto);
      await this.support.assertGoals(m, note.clientId, dto.goalIds ?? []);
      await this.notes.updateDraftVersioned(
        m,
        { id, organizationId: actor.organizationId },
        expectedVersion,
        patch,
      );
      const saved = await this.notes.findById(m, id);
      this.support.enqueueCrisis(tx, saved);
      tx.audit({
        action: 'session-note.update',
        clientId: note.clientId,
        resourceType: 'SessionNote',
        resourceId: id,
      });
      return this.support.withPlanPointer(m, {
        ...toSessionNoteResponse(saved),
        warnings: findStigmatizingLanguage(saved.sections),
      });
    });
  }

  private validatedPatch(note: SessionNote, dto: UpdateSessionNoteDto): Partial<SessionNote> {
    const startedAt = dto.startedAt ? new Date(dto.startedAt) : note.startedAt;
    const endedAt = dto.endedAt ? new Date(dto.endedAt) : note.endedAt;
    const format = dto.format ?? note.format;
    const sections = dto.sections ?? note.sections;
    throwIfAny([
      ...periodErrors(startedAt, endedAt, new Date()),
      ...sectionErrors(format, sections),
    ]);
    const patch: Partial<SessionNote> = { startedAt, endedAt, format, sections };
    if (dto.contactType) patch.contactType = dto.contactType;
    if (dto.setting !== undefined) patch.setting = dto.setting;
    if (dto.goalIds) patch.goalIds = dto.goalIds;
    if (dto.interventions) patch.interventions = dto.interventions;
    if (dto.riskFlags) patch.riskFlags = dto.riskFlags;
    return patch;
  }

  /** One audit event per client whose notes the page showed (ids only). */
  private auditReads(actor: Principal, rows: SessionNote[], limit: number): Promise<void> {
    return this.audit.recordReads(
      actor,
      { action: 'session-note.list', resourceType: 'SessionNote' },
      rows.slice(0, limit).map((n) => n.clientId),
    );
  }

  private toNotePage(rows: SessionNote[], pager: Pager): Page<SessionNoteResponse> {
    return pager.page(
      rows,
      (n) => ({ key: n.startedAt.toISOString(), id: n.id }),
      toSessionNoteResponse,
    );
  }
}
