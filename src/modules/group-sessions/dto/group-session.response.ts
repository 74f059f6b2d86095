import { ApiProperty } from '@nestjs/swagger';

import { Attendance } from '../group-session.entity';

export class AttendeeResponse {
  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ enum: Attendance })
  attendance: Attendance;

  participation: string;
}

export class GroupSessionResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  topic: string;

  @ApiProperty({ format: 'uuid' })
  facilitatorId: string;

  setting: string | null;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ format: 'date-time' })
  endedAt: string;

  durationMinutes: number;

  /** Only the attendees in the caller’s scope */
  attendees: AttendeeResponse[];

  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** One client's entry in a group: never the other attendees. */
export class GroupParticipationResponse {
  @ApiProperty({ format: 'uuid' })
  groupSessionId: string;

  topic: string;

  @ApiProperty({ format: 'uuid' })
  facilitatorId: string;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ format: 'date-time' })
  endedAt: string;

  @ApiProperty({ enum: Attendance })
  attendance: Attendance;

  participation: string;
}

export class GroupParticipationPageResponse {
  items: GroupParticipationResponse[];

  nextCursor: string | null;
}
