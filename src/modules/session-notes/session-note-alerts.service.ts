import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { JobName, JobPayloads } from '../../queue/jobs';
import { NotificationsService } from '../notifications/notifications.service';
import { CRISIS_FLAGS } from './session-note.enums';

/** Worker side of a crisis flag: the author's team supervisors, once each per note. */
@Injectable()
export class SessionNoteAlertsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  async crisisFlag(payload: JobPayloads[JobName.NoteCrisisFlag]): Promise<number> {
    const [note]: { author_id: string; flags: string[] }[] = await this.dataSource.query(
      `SELECT author_id, ARRAY(SELECT unnest(risk_flags) INTERSECT SELECT unnest($3::text[]) ORDER BY 1) AS flags
       FROM session_note WHERE id = $1 AND organization_id = $2`,
      [payload.noteId, payload.organizationId, CRISIS_FLAGS],
    );
    // Gone, or the flag was removed from the draft before the job ran: nothing to say.
    if (!note || note.flags.length === 0) return 0;
    const supervisors: { id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT u.id FROM team_member a
       JOIN team_member s ON s.team_id = a.team_id AND s.membership = 'supervisor'
       JOIN app_user u ON u.id = s.user_id AND u.active
       WHERE a.user_id = $1 AND a.membership = 'member' AND u.id <> $1`,
      [note.author_id],
    );
    return this.notifications.notify({
      organizationId: payload.organizationId,
      recipientIds: supervisors.map((s) => s.id),
      kind: JobName.NoteCrisisFlag,
      dedupeKey: `note-crisis|${payload.noteId}`,
      resourceType: 'SessionNote',
      resourceId: payload.noteId,
      clientId: payload.clientId,
      data: { riskFlags: note.flags.join(',') },
    });
  }
}
