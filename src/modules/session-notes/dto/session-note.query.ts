import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional, IsUUID } from 'class-validator';

import { PageQuery } from '../../../common/dto/page.query';
import { NoteStatus } from '../session-note.enums';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** A client's notes, newest session first. */
export class ClientNotesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: NoteStatus })
  @IsOptional()
  @IsEnum(NoteStatus)
  readonly status?: NoteStatus;
}

/** Notes across the caller's scope; `awaitingReview=true` is a supervisor's review queue. */
export class NoteSearchQuery extends ClientNotesQuery {
  /** Signed notes not yet reviewed, or with an addendum since their last review */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  readonly awaitingReview?: boolean;

  @IsOptional()
  @IsUUID()
  readonly authorId?: string;

  /** The notes that addressed this goal (SPEC 5: progress is recorded through notes) */
  @IsOptional()
  @IsUUID()
  readonly goalId?: string;
}
