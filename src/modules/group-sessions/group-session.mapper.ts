import { GroupParticipationResponse, GroupSessionResponse } from './dto/group-session.response';
import { GroupSession, GroupSessionAttendee } from './group-session.entity';

const minutesBetween = (a: Date, b: Date): number =>
  Math.max(0, Math.floor((b.getTime() - a.getTime()) / 60_000));

export function toGroupSessionResponse(
  g: GroupSession,
  attendees: GroupSessionAttendee[],
): GroupSessionResponse {
  return {
    id: g.id,
    topic: g.topic,
    facilitatorId: g.facilitatorId,
    setting: g.setting,
    startedAt: g.startedAt.toISOString(),
    endedAt: g.endedAt.toISOString(),
    durationMinutes: minutesBetween(g.startedAt, g.endedAt),
    attendees: attendees.map((a) => ({
      clientId: a.clientId,
      attendance: a.attendance,
      participation: a.participation,
    })),
    status: g.status,
    signedAt: g.signedAt?.toISOString() ?? null,
    version: g.version,
    createdAt: g.createdAt.toISOString(),
  };
}

export function toParticipationResponse(
  g: GroupSession,
  a: GroupSessionAttendee,
): GroupParticipationResponse {
  return {
    groupSessionId: g.id,
    topic: g.topic,
    facilitatorId: g.facilitatorId,
    startedAt: g.startedAt.toISOString(),
    endedAt: g.endedAt.toISOString(),
    attendance: a.attendance,
    participation: a.participation,
  };
}
