import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session notes (draft -> signed -> reviewed), their addenda, and group sessions with one
 * participation entry per attendee. A signed note's clinical content is locked in the database
 * too, and addenda are append-only: corrections never alter the original (CMS amendment rule).
 */
export class CreateSessionNotes1764000004000 implements MigrationInterface {
  name = 'CreateSessionNotes1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session_note (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        author_id uuid NOT NULL REFERENCES app_user(id),
        status text NOT NULL DEFAULT 'draft' CONSTRAINT session_note_status_ck
          CHECK (status IN ('draft', 'signed', 'reviewed')),
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        contact_type text NOT NULL CONSTRAINT session_note_contact_type_ck CHECK (contact_type IN
          ('in_person', 'phone', 'video', 'text', 'outreach_attempt', 'collateral')),
        setting text,
        format text NOT NULL CONSTRAINT session_note_format_ck CHECK (format IN ('narrative', 'DAP', 'GIRP', 'SOAP')),
        sections jsonb NOT NULL DEFAULT '{}'::jsonb,
        goal_ids uuid[] NOT NULL DEFAULT '{}',
        interventions text[] NOT NULL DEFAULT '{}',
        risk_flags text[] NOT NULL DEFAULT '{}',
        signed_at timestamptz,
        content_hash text,
        late_entry boolean NOT NULL DEFAULT false,
        reviewed_at timestamptz,
        reviewer_id uuid REFERENCES app_user(id),
        review_decision text CONSTRAINT session_note_review_decision_ck
          CHECK (review_decision IN ('approved', 'needs_revision')),
        review_comment text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT session_note_period_ck CHECK (ended_at >= started_at),
        CONSTRAINT session_note_signature_ck
          CHECK (status = 'draft' OR (signed_at IS NOT NULL AND content_hash IS NOT NULL))
      );
      CREATE INDEX session_note_client_time_idx ON session_note (client_id, started_at DESC, id DESC);
      CREATE INDEX session_note_org_status_idx ON session_note (organization_id, status, started_at DESC, id DESC);
      CREATE INDEX session_note_author_idx ON session_note (author_id, status, started_at DESC);

      CREATE FUNCTION session_note_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'a signed session note cannot be deleted' USING ERRCODE = 'check_violation';
          END IF;
          RETURN OLD;
        END IF;
        IF OLD.status <> 'draft' AND ROW(NEW.organization_id, NEW.client_id, NEW.author_id, NEW.started_at,
            NEW.ended_at, NEW.contact_type, NEW.setting, NEW.format, NEW.sections, NEW.goal_ids,
            NEW.interventions, NEW.risk_flags, NEW.signed_at, NEW.content_hash, NEW.late_entry)
          IS DISTINCT FROM ROW(OLD.organization_id, OLD.client_id, OLD.author_id, OLD.started_at,
            OLD.ended_at, OLD.contact_type, OLD.setting, OLD.format, OLD.sections, OLD.goal_ids,
            OLD.interventions, OLD.risk_flags, OLD.signed_at, OLD.content_hash, OLD.late_entry) THEN
          RAISE EXCEPTION 'a signed session note cannot be altered' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END
      $fn$;
      CREATE TRIGGER session_note_lock_trg BEFORE UPDATE OR DELETE ON session_note
        FOR EACH ROW EXECUTE FUNCTION session_note_lock();

      CREATE TABLE session_note_addendum (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        note_id uuid NOT NULL REFERENCES session_note(id),
        client_id uuid NOT NULL REFERENCES client(id),
        author_id uuid NOT NULL REFERENCES app_user(id),
        text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX session_note_addendum_note_idx ON session_note_addendum (note_id, created_at, id);

      CREATE FUNCTION session_note_addendum_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'session_note_addendum is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;
      CREATE TRIGGER session_note_addendum_no_change_trg BEFORE UPDATE OR DELETE ON session_note_addendum
        FOR EACH ROW EXECUTE FUNCTION session_note_addendum_append_only();

      CREATE TABLE group_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        topic text NOT NULL,
        facilitator_id uuid NOT NULL REFERENCES app_user(id),
        setting text,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        created_by_id uuid NOT NULL REFERENCES app_user(id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT group_session_period_ck CHECK (ended_at >= started_at)
      );
      CREATE INDEX group_session_facilitator_idx ON group_session (facilitator_id, started_at DESC, id DESC);

      CREATE TABLE group_session_attendee (
        group_session_id uuid NOT NULL REFERENCES group_session(id) ON DELETE CASCADE,
        client_id uuid NOT NULL REFERENCES client(id),
        organization_id uuid NOT NULL REFERENCES organization(id),
        session_started_at timestamptz NOT NULL,
        attendance text NOT NULL DEFAULT 'attended' CONSTRAINT group_session_attendee_attendance_ck
          CHECK (attendance IN ('attended', 'partial')),
        participation text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT group_session_attendee_pk PRIMARY KEY (group_session_id, client_id)
      );
      CREATE INDEX group_session_attendee_client_idx
        ON group_session_attendee (client_id, session_started_at DESC, group_session_id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE group_session_attendee, group_session, session_note_addendum, session_note;
      DROP FUNCTION session_note_addendum_append_only();
      DROP FUNCTION session_note_lock();
    `);
  }
}
