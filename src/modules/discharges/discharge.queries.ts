/**
 * A discharge's cadence of follow-ups, in one statement that answers the whole rows (as entity
 * properties), sorted by nothing: the caller orders them. The bench baseline runs it too.
 */
export const INSERT_FOLLOW_UPS = `INSERT INTO follow_up (organization_id, client_id, discharge_id, kind, label, status,
    due_at, window_start, window_end, owner_id)
  SELECT $1, $2, $3, kind, label, 'requested', due_at, window_start, window_end, $9
  FROM unnest($4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[])
    AS p(kind, label, due_at, window_start, window_end)
  RETURNING id, organization_id AS "organizationId", client_id AS "clientId",
    discharge_id AS "dischargeId", kind, label, status, due_at AS "dueAt",
    window_start AS "windowStart", window_end AS "windowEnd", owner_id AS "ownerId",
    started_at AS "startedAt", completed_at AS "completedAt", outcome,
    status_reason AS "statusReason", session_note_id AS "sessionNoteId",
    assessment_id AS "assessmentId", unreachable_attempts AS "unreachableAttempts", version, created_at AS "createdAt",
    updated_at AS "updatedAt"`;
