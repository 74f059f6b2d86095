import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { teamSupervisorIds } from '../../auth/access/scope.sql';
import { JobName, JobPayloads } from '../../queue/jobs';
import { NotificationsService } from '../notifications/notifications.service';
import { CRISIS_FLAGS } from './session-note.enums';

// $1 author, $2 client, $3 organization: the supervisors of the author's teams and of the
// client's primary specialist's teams, never the author themself.
const CRISIS_RECIPIENTS = teamSupervisorIds({
  members:
    'IN ($1, (SELECT primary_specialist_id FROM client WHERE id = $2 AND organization_id = $3))',
  org: '$3',
  except: '$1',
});

/** Worker side of a crisis flag: the author's and the client's team supervisors, once each per note. */
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
    // The supervisors of the author's teams and of the client's primary specialist's teams: a
    // covering peer of another team, or a supervisor writing the note, must not leave the
    // client's own supervisors uninformed. Recipients by their current role and status, not by
    // membership alone: a supervisor since demoted or deactivated is told nothing.
    const supervisors: { id: string }[] = await this.dataSource.query(CRISIS_RECIPIENTS, [
      note.author_id,
      payload.clientId,
      payload.organizationId,
    ]);
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
