import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFoundation1764000000000 implements MigrationInterface {
  name = 'CreateFoundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'recovery_bridge_app') THEN
          CREATE ROLE recovery_bridge_app NOLOGIN;
        END IF;
      END $$;
      GRANT USAGE ON SCHEMA public TO recovery_bridge_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO recovery_bridge_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public
        GRANT USAGE, SELECT ON SEQUENCES TO recovery_bridge_app;

      CREATE TABLE organization (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE team (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        name text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX team_org_name_uq ON team (organization_id, lower(name));

      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        email text NOT NULL,
        password_hash text NOT NULL,
        first_name text NOT NULL,
        last_name text NOT NULL,
        role text NOT NULL CONSTRAINT app_user_role_ck
          CHECK (role IN ('peer_specialist', 'supervisor', 'admin')),
        active boolean NOT NULL DEFAULT true,
        deactivated_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX app_user_email_uq ON app_user (lower(email));
      CREATE INDEX app_user_org_idx ON app_user (organization_id, created_at DESC, id DESC);

      CREATE TABLE team_member (
        team_id uuid NOT NULL REFERENCES team(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        membership text NOT NULL CONSTRAINT team_member_membership_ck
          CHECK (membership IN ('member', 'supervisor')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT team_member_pk PRIMARY KEY (team_id, user_id, membership)
      );
      CREATE INDEX team_member_user_idx ON team_member (user_id, membership);

      CREATE TABLE auth_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      );
      CREATE INDEX auth_session_user_idx ON auth_session (user_id) WHERE revoked_at IS NULL;

      CREATE TABLE refresh_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES auth_session(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX refresh_token_session_idx ON refresh_token (session_id);

      CREATE TABLE api_client (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        name text NOT NULL,
        client_id text NOT NULL CONSTRAINT api_client_client_id_uq UNIQUE,
        secret_hash bytea NOT NULL,
        scopes text[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX api_client_org_idx ON api_client (organization_id, created_at DESC, id DESC);

      CREATE TABLE idempotency_key (
        principal_id uuid NOT NULL,
        key text NOT NULL,
        route text NOT NULL,
        request_hash bytea NOT NULL,
        state text NOT NULL CONSTRAINT idempotency_key_state_ck CHECK (state IN ('in_flight', 'done')),
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT idempotency_key_pk PRIMARY KEY (principal_id, key)
      );
      CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);

      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        queue text NOT NULL,
        job_name text NOT NULL,
        job_id text NOT NULL,
        payload jsonb NOT NULL,
        run_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      );
      CREATE INDEX outbox_pending_idx ON outbox (id) WHERE dispatched_at IS NULL;

      CREATE TABLE notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        recipient_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        kind text NOT NULL,
        resource_type text,
        resource_id text,
        client_id uuid,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        dedupe_key text NOT NULL CONSTRAINT notification_dedupe_uq UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      );
      CREATE INDEX notification_recipient_idx ON notification (recipient_id, created_at DESC, id DESC);
    `);
    await this.createAuditTrail(q);
  }

  // The audit trail is append-only and hash-chained per organization. The chain link is computed
  // in the database, under a per-organization advisory lock, so the order of links is the order
  // of commits, and a write and its audit event commit together.
  private async createAuditTrail(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        seq bigint NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_type text NOT NULL CONSTRAINT audit_event_actor_type_ck
          CHECK (actor_type IN ('user', 'api_client', 'system', 'anonymous')),
        actor_role text,
        action text NOT NULL,
        client_id uuid,
        resource_type text,
        resource_id text,
        outcome text NOT NULL CONSTRAINT audit_event_outcome_ck
          CHECK (outcome IN ('success', 'denied', 'failure')),
        correlation_id text,
        prev_hash bytea,
        hash bytea NOT NULL,
        CONSTRAINT audit_event_chain_uq UNIQUE (organization_id, seq)
      );
      CREATE INDEX audit_event_org_time_idx ON audit_event (organization_id, occurred_at DESC, id DESC);
      CREATE INDEX audit_event_client_idx ON audit_event (client_id, occurred_at DESC) WHERE client_id IS NOT NULL;
      CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, occurred_at DESC) WHERE actor_id IS NOT NULL;

      CREATE FUNCTION audit_event_digest(e audit_event, prev bytea) RETURNS bytea
      LANGUAGE sql STABLE AS $fn$
        SELECT sha256(coalesce(prev, '\\x'::bytea) || convert_to(concat_ws('|',
          e.id::text, e.organization_id::text, e.seq::text,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_id::text, '-'), e.actor_type, coalesce(e.actor_role, '-'), e.action,
          coalesce(e.client_id::text, '-'), coalesce(e.resource_type, '-'),
          coalesce(e.resource_id, '-'), e.outcome, coalesce(e.correlation_id, '-')), 'UTF8'))
      $fn$;

      CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        last_seq bigint;
        last_hash bytea;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:' || NEW.organization_id::text, 0));
        SELECT seq, hash INTO last_seq, last_hash FROM audit_event
          WHERE organization_id = NEW.organization_id ORDER BY seq DESC LIMIT 1;
        NEW.seq := coalesce(last_seq, 0) + 1;
        NEW.prev_hash := last_hash;
        NEW.hash := audit_event_digest(NEW, last_hash);
        RETURN NEW;
      END
      $fn$;

      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;

      CREATE TRIGGER audit_event_chain_trg BEFORE INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
      CREATE TRIGGER audit_event_no_change_trg BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
      CREATE TRIGGER audit_event_no_truncate_trg BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

      REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM recovery_bridge_app;
      GRANT SELECT, INSERT ON audit_event TO recovery_bridge_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION audit_event_digest(audit_event, bytea);
      DROP TABLE audit_event;
      DROP FUNCTION audit_event_chain();
      DROP FUNCTION audit_event_append_only();
      DROP TABLE notification, outbox, idempotency_key, api_client, refresh_token, auth_session,
        team_member, app_user, team, organization;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public
        REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM recovery_bridge_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public
        REVOKE USAGE, SELECT ON SEQUENCES FROM recovery_bridge_app;
      REVOKE USAGE ON SCHEMA public FROM recovery_bridge_app;
    `);
  }
}
