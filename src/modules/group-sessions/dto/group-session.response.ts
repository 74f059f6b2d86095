import { ApiProperty, IntersectionType, PickType } from '@nestjs/swagger';

import { Attendance, GroupSessionStatus } from '../group-session.entity';

export class AttendeeResponse {
  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ enum: Attendance })
  attendance: Attendance;

  @ApiProperty()
  participation: string;
}

export class GroupSessionResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  topic: string;

  @ApiProperty({ format: 'uuid' })
  facilitatorId: string;

  @ApiProperty({ type: String, nullable: true })
  setting: string | null;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ format: 'date-time' })
  endedAt: string;

  @ApiProperty()
  durationMinutes: number;

  @ApiProperty({
    type: [AttendeeResponse],
    description: 'Only the attendees in the caller’s scope',
  })
  attendees: AttendeeResponse[];

  @ApiProperty({ enum: GroupSessionStatus, description: 'draft: editable; signed: locked' })
  status: GroupSessionStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  signedAt: string | null;

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class GroupSessionPageResponse {
  @ApiProperty({ type: [GroupSessionResponse] })
  items: GroupSessionResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

/** One client's entry in a group: never the other attendees. */
export class GroupParticipationResponse extends IntersectionType(
  PickType(GroupSessionResponse, ['topic', 'facilitatorId', 'startedAt', 'endedAt'] as const),
  PickType(AttendeeResponse, ['attendance', 'participation'] as const),
) {
  @ApiProperty({ format: 'uuid' })
  groupSessionId: string;
}

export class GroupParticipationPageResponse {
  @ApiProperty({ type: [GroupParticipationResponse] })
  items: GroupParticipationResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
