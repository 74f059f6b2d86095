import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The API and the worker log in as `recovery_bridge_app` instead of the owner's session taking it
 * with SET ROLE (which RESET ROLE undoes). The role is not a member of the owner, so nothing a
 * session sends can regain UPDATE, DELETE or TRUNCATE on audit_event. Checked before altering:
 * roles are cluster-wide, and parallel migrations of several databases must not update the same
 * pg_authid row at once. Its password, where the server asks for one, is set by db-setup from
 * DATABASE_APP_PASSWORD, never written into a migration.
 */
export class AppRoleLogin1764000009000 implements MigrationInterface {
  name = 'AppRoleLogin1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'recovery_bridge_app') THEN
          ALTER ROLE recovery_bridge_app LOGIN;
        END IF;
      END $$;
    `);
  }

  async down(): Promise<void> {
    // The role is shared by every database of the cluster: taking its login away here would cut
    // off the others. Nothing to undo per database.
  }
}
