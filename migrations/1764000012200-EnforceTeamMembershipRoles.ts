import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A team membership must fit the user's current role (SPEC 2: specialists belong to teams, a
 * supervisor supervises teams, an admin is on none): `supervisor` rows only for supervisors,
 * `member` rows only for peer specialists, never an admin, never across organizations. Access
 * scope and alert recipients are read from these rows, so a stale one gave a demoted supervisor
 * their team back, or let a promoted peer supervise themself.
 *
 * Existing rows that break the rule are removed, each with a `system` audit event. Then two
 * triggers hold it: one on `team_member` (it locks the user's row FOR SHARE, so a concurrent role
 * change either waits for the insert and rewrites it, or commits first and the insert is refused),
 * and one on `app_user`, checked at commit, refusing a role change that leaves a misfit row.
 */
export class EnforceTeamMembershipRoles1764000012200 implements MigrationInterface {
  name = 'EnforceTeamMembershipRoles1764000012200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION team_membership_for_role(role text) RETURNS text
      LANGUAGE sql IMMUTABLE AS $fn$
        SELECT CASE role WHEN 'supervisor' THEN 'supervisor' WHEN 'peer_specialist' THEN 'member' END
      $fn$;

      WITH removed AS (
        DELETE FROM team_member tm USING app_user u, team t
        WHERE u.id = tm.user_id AND t.id = tm.team_id
          AND (u.organization_id <> t.organization_id
            OR tm.membership IS DISTINCT FROM team_membership_for_role(u.role))
        RETURNING t.organization_id, tm.team_id
      )
      INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action, resource_type, resource_id, outcome)
      SELECT organization_id, NULL, 'system', NULL, 'team.membership-removed', 'Team', team_id::text, 'success'
      FROM removed;

      CREATE FUNCTION team_member_fits_role() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        user_role text;
        user_org uuid;
      BEGIN
        SELECT role, organization_id INTO user_role, user_org FROM app_user WHERE id = NEW.user_id FOR SHARE;
        IF user_org IS DISTINCT FROM (SELECT organization_id FROM team WHERE id = NEW.team_id)
           OR NEW.membership IS DISTINCT FROM team_membership_for_role(user_role) THEN
          RAISE EXCEPTION 'team membership % does not fit the user''s role', NEW.membership
            USING ERRCODE = 'check_violation', CONSTRAINT = 'team_member_role_ck';
        END IF;
        RETURN NEW;
      END
      $fn$;
      CREATE TRIGGER team_member_role_trg BEFORE INSERT OR UPDATE ON team_member
        FOR EACH ROW EXECUTE FUNCTION team_member_fits_role();

      CREATE FUNCTION app_user_memberships_fit_role() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF EXISTS (SELECT 1 FROM team_member tm JOIN app_user u ON u.id = tm.user_id
                   WHERE tm.user_id = NEW.id AND tm.membership IS DISTINCT FROM team_membership_for_role(u.role)) THEN
          RAISE EXCEPTION 'a role change must rewrite the user''s team memberships'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'team_member_role_ck';
        END IF;
        RETURN NULL;
      END
      $fn$;
      CREATE CONSTRAINT TRIGGER app_user_memberships_role_trg AFTER UPDATE OF role ON app_user
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role)
        EXECUTE FUNCTION app_user_memberships_fit_role();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER app_user_memberships_role_trg ON app_user;
      DROP FUNCTION app_user_memberships_fit_role();
      DROP TRIGGER team_member_role_trg ON team_member;
      DROP FUNCTION team_member_fits_role();
      DROP FUNCTION team_membership_for_role(text);
    `);
  }
}
