import { Injectable } from '@nestjs/common';

import { JobName, JobPayloads } from '../../queue/jobs';
import { NotificationsService } from '../notifications/notifications.service';
import { SessionNoteRepository } from './session-note.repository';

/** Worker side of a crisis flag: the author's and the client's team supervisors, once each per note. */
@Injectable()
export class SessionNoteAlertsService {
  constructor(
    private readonly notes: SessionNoteRepository,
    private readonly notifications: NotificationsService,
  ) {}

  async crisisFlag(payload: JobPayloads[JobName.NoteCrisisFlag]): Promise<number> {
    const note = await this.notes.crisisFlagsOf(payload.noteId, payload.organizationId);
    // Gone, or the flag was removed from the draft before the job ran: nothing to say.
    if (!note || note.flags.length === 0) return 0;
    // The supervisors of the author's teams and of the client's primary specialist's teams: a
    // covering peer of another team, or a supervisor writing the note, must not leave the
    // client's own supervisors uninformed. Recipients by their current role and status, not by
    // membership alone: a supervisor since demoted or deactivated is told nothing.
    const recipientIds = await this.notes.crisisRecipientIds(
      note.author_id,
      payload.clientId,
      payload.organizationId,
    );
    return this.notifications.notify({
      organizationId: payload.organizationId,
      recipientIds,
      kind: JobName.NoteCrisisFlag,
      dedupeKey: `note-crisis|${payload.noteId}`,
      resourceType: 'SessionNote',
      resourceId: payload.noteId,
      clientId: payload.clientId,
      data: { riskFlags: note.flags.join(',') },
    });
  }
}
