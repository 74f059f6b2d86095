import { MigrationInterface, QueryRunner } from 'typeorm';

const CATEGORIES = `ARRAY['housing', 'employment', 'education', 'mutual-aid-meeting', 'moud-provider',
  'mental-health', 'legal', 'transport', 'food', 'childcare', 'harm-reduction', 'health-care',
  'benefits', 'recovery-community', 'other']`;

/**
 * The community resource directory (per organization) and closed-loop referrals out to it
 * (issue 16). A referral's status changes are kept in `referral_out_event` (who, when); its
 * connection check is a follow-up task the worker creates from the outbox (`follow_up.referral_out_id`,
 * unique: a job delivered twice creates one task).
 */
export class CreateResourcesAndReferralsOut1764000013600 implements MigrationInterface {
  name = 'CreateResourcesAndReferralsOut1764000013600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE community_resource (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        name text NOT NULL,
        categories text[] NOT NULL CONSTRAINT community_resource_categories_ck
          CHECK (cardinality(categories) > 0 AND categories <@ ${CATEGORIES}),
        description text,
        address text,
        latitude double precision CONSTRAINT community_resource_latitude_ck CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision CONSTRAINT community_resource_longitude_ck CHECK (longitude BETWEEN -180 AND 180),
        service_area text,
        hours jsonb NOT NULL DEFAULT '[]'::jsonb CONSTRAINT community_resource_hours_ck
          CHECK (jsonb_typeof(hours) = 'array'),
        phone text,
        url text,
        eligibility text,
        languages text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_by_id uuid REFERENCES app_user(id),
        updated_by_id uuid REFERENCES app_user(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT community_resource_point_ck CHECK ((latitude IS NULL) = (longitude IS NULL))
      );
      CREATE INDEX community_resource_org_name_idx ON community_resource (organization_id, lower(name), id);
      CREATE INDEX community_resource_org_point_idx ON community_resource (organization_id, latitude, longitude)
        WHERE latitude IS NOT NULL;
      CREATE INDEX community_resource_categories_idx ON community_resource USING gin (categories);

      CREATE TABLE referral_out (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        resource_id uuid NOT NULL REFERENCES community_resource(id),
        need text NOT NULL CONSTRAINT referral_out_need_ck CHECK (need = ANY (${CATEGORIES})),
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'sent' CONSTRAINT referral_out_status_ck
          CHECK (status IN ('sent', 'accepted', 'declined', 'completed', 'not-completed')),
        resent_from_id uuid REFERENCES referral_out(id),
        sent_at timestamptz(3) NOT NULL DEFAULT now(),
        sent_by_id uuid REFERENCES app_user(id),
        status_changed_at timestamptz(3) NOT NULL DEFAULT now(),
        status_changed_by_id uuid REFERENCES app_user(id),
        follow_up_due_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT referral_out_resent_once_uq UNIQUE (resent_from_id)
      );
      CREATE INDEX referral_out_client_idx ON referral_out (client_id, sent_at DESC, id DESC);
      CREATE INDEX referral_out_org_sent_idx ON referral_out (organization_id, sent_at);

      CREATE TABLE referral_out_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        referral_out_id uuid NOT NULL REFERENCES referral_out(id) ON DELETE CASCADE,
        status text NOT NULL CONSTRAINT referral_out_event_status_ck
          CHECK (status IN ('sent', 'accepted', 'declined', 'completed', 'not-completed')),
        actor_id uuid REFERENCES app_user(id),
        occurred_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT referral_out_event_once_uq UNIQUE (referral_out_id, status)
      );

      ALTER TABLE follow_up
        ADD COLUMN referral_out_id uuid CONSTRAINT follow_up_referral_out_fk REFERENCES referral_out(id),
        ADD CONSTRAINT follow_up_referral_out_uq UNIQUE (referral_out_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE follow_up DROP CONSTRAINT follow_up_referral_out_uq, DROP COLUMN referral_out_id;
      DROP TABLE referral_out_event, referral_out, community_resource;
    `);
  }
}
