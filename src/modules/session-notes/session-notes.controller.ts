import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ClientTimelineService } from './client-timeline.service';
import {
  CreateAddendumDto,
  CreateSessionNoteDto,
  ReviewNoteDto,
  UpdateSessionNoteDto,
} from './dto/session-note.dto';
import { ClientNotesQuery, NoteSearchQuery } from './dto/session-note.query';
import {
  AddendumResponse,
  SessionNotePageResponse,
  SessionNoteResponse,
  TimelinePageResponse,
} from './dto/session-note.response';
import { SessionNoteSigningService } from './session-note-signing.service';
import { SessionNotesService } from './session-notes.service';

@ApiTags('session-notes')
@Controller('api/v1/clients/:id')
export class ClientSessionNotesController {
  constructor(
    private readonly notes: SessionNotesService,
    private readonly timelines: ClientTimelineService,
  ) {}

  @Post('session-notes')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.NoteWrite)
  @ApiOperation({ summary: 'Write a draft session note for a client; answers language warnings' })
  @ApiCreatedResponse({ type: SessionNoteResponse })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateSessionNoteDto,
  ): Promise<SessionNoteResponse> {
    return this.notes.create(actor, id, dto);
  }

  @Get('session-notes')
  @RequirePermission(Permission.NoteRead)
  @ApiOperation({ summary: 'A client’s session notes, newest session first' })
  @ApiOkResponse({ type: SessionNotePageResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: ClientNotesQuery,
  ): Promise<SessionNotePageResponse> {
    return this.notes.listForClient(actor, id, query);
  }

  @Get('timeline')
  @RequirePermission(Permission.NoteRead)
  @ApiOperation({ summary: 'A client’s notes, follow-ups, assessments and groups, newest first' })
  @ApiOkResponse({ type: TimelinePageResponse })
  timeline(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<TimelinePageResponse> {
    return this.timelines.timeline(actor, id, query);
  }
}

@ApiTags('session-notes')
@Controller('api/v1/session-notes')
export class SessionNotesController {
  constructor(
    private readonly notes: SessionNotesService,
    private readonly signing: SessionNoteSigningService,
  ) {}

  @Get()
  @RequirePermission(Permission.NoteRead)
  @ApiOperation({
    summary: 'Notes in the caller’s scope; status=signed&awaitingReview=true is the review queue',
  })
  @ApiOkResponse({ type: SessionNotePageResponse })
  search(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: NoteSearchQuery,
  ): Promise<SessionNotePageResponse> {
    return this.notes.search(actor, query);
  }

  @Get(':id')
  @RequirePermission(Permission.NoteRead)
  @ApiOperation({ summary: 'Read a session note with its addenda' })
  @ApiOkResponse({ type: SessionNoteResponse })
  get(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
  ): Promise<SessionNoteResponse> {
    return this.notes.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission(Permission.NoteWrite)
  @ApiOperation({ summary: 'Edit a draft (author, If-Match); a signed note answers 409' })
  @ApiOkResponse({ type: SessionNoteResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateSessionNoteDto,
  ): Promise<SessionNoteResponse> {
    return this.notes.update(actor, id, version, dto);
  }

  @Post(':id/sign')
  @HttpCode(200)
  @RequirePermission(Permission.NoteSign)
  @ApiOperation({ summary: 'Sign and lock a draft (author with an unexpired credential)' })
  @ApiOkResponse({ type: SessionNoteResponse })
  sign(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
  ): Promise<SessionNoteResponse> {
    return this.signing.sign(actor, id);
  }

  @Post(':id/addenda')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.NoteWrite)
  @ApiOperation({ summary: 'Add a dated correction to a signed note (author or supervisor)' })
  @ApiCreatedResponse({ type: AddendumResponse })
  addAddendum(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateAddendumDto,
  ): Promise<AddendumResponse> {
    return this.signing.addAddendum(actor, id, dto);
  }

  @Post(':id/review')
  @HttpCode(200)
  @RequirePermission(Permission.NoteReview)
  @ApiOperation({ summary: 'Review a signed note (supervisor of the author’s team)' })
  @ApiOkResponse({ type: SessionNoteResponse })
  review(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: ReviewNoteDto,
  ): Promise<SessionNoteResponse> {
    return this.signing.review(actor, id, dto);
  }
}
