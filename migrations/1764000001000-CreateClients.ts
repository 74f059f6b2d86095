import { MigrationInterface, QueryRunner } from 'typeorm';

/** Clients, their identifiers, primary-assignment history and time-boxed coverage. */
export class CreateClients1764000001000 implements MigrationInterface {
  name = 'CreateClients1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE EXTENSION IF NOT EXISTS pg_trgm;

      CREATE TABLE client (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        first_name text NOT NULL,
        last_name text NOT NULL,
        preferred_name text,
        date_of_birth date NOT NULL,
        pronouns text,
        email text,
        phone text,
        preferred_contact_method text CONSTRAINT client_contact_method_ck
          CHECK (preferred_contact_method IN ('phone', 'text', 'email', 'in_person', 'video')),
        recovery_start_date date,
        status text NOT NULL DEFAULT 'active' CONSTRAINT client_status_ck
          CHECK (status IN ('referred', 'active', 'inactive', 'closed')),
        primary_specialist_id uuid REFERENCES app_user(id),
        needs_reassignment boolean NOT NULL DEFAULT false,
        part2_notice_acknowledged_on date,
        last_contact_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      CREATE INDEX client_org_created_idx ON client (organization_id, created_at DESC, id DESC);
      CREATE INDEX client_specialist_idx ON client (primary_specialist_id, created_at DESC, id DESC)
        WHERE deleted_at IS NULL;
      CREATE INDEX client_unassigned_idx ON client (organization_id, created_at DESC, id DESC)
        WHERE primary_specialist_id IS NULL AND deleted_at IS NULL;
      CREATE INDEX client_name_trgm_idx ON client
        USING gin ((lower(first_name || ' ' || last_name || ' ' || coalesce(preferred_name, ''))) gin_trgm_ops);
      CREATE INDEX client_dedupe_idx ON client (organization_id, lower(first_name), lower(last_name), date_of_birth);

      CREATE TABLE client_identifier (
        client_id uuid NOT NULL REFERENCES client(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organization(id),
        system text NOT NULL,
        value text NOT NULL,
        CONSTRAINT client_identifier_pk PRIMARY KEY (client_id, system, value)
      );
      CREATE UNIQUE INDEX client_identifier_org_uq ON client_identifier (organization_id, system, value);

      CREATE TABLE client_assignment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES client(id) ON DELETE CASCADE,
        specialist_id uuid REFERENCES app_user(id),
        assigned_by_id uuid REFERENCES app_user(id),
        reason text,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz
      );
      CREATE INDEX client_assignment_client_idx ON client_assignment (client_id, started_at DESC);

      CREATE TABLE client_coverage (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES client(id) ON DELETE CASCADE,
        specialist_id uuid NOT NULL REFERENCES app_user(id),
        created_by_id uuid REFERENCES app_user(id),
        starts_at timestamptz NOT NULL DEFAULT now(),
        ends_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT client_coverage_period_ck CHECK (ends_at > starts_at)
      );
      CREATE INDEX client_coverage_specialist_idx ON client_coverage (specialist_id, ends_at)
        WHERE revoked_at IS NULL;
      CREATE INDEX client_coverage_client_idx ON client_coverage (client_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE client_coverage, client_assignment, client_identifier, client;`);
  }
}
