import { DataSource, DataSourceOptions } from 'typeorm';

import { MIGRATIONS } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { DatabaseConfig } from '../config/configuration';
import { EnvironmentError } from '../config/env.validation';
import { setPreparedStatements } from './prepared';

/**
 * Connection options shared by the app, the CLI scripts and the tests. `asApp` logs in as the
 * application role, which may not alter the audit trail (and, being a login role of its own rather
 * than a SET ROLE of the owner's session, cannot RESET back to the owner); migrations run as the
 * owner.
 */
export function dataSourceOptions(db: DatabaseConfig, asApp: boolean): DataSourceOptions {
  return {
    type: 'postgres',
    url: asApp ? db.appUrl : db.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      max: db.poolSize,
      connectionTimeoutMillis: 3000,
      statement_timeout: 15000,
      idle_in_transaction_session_timeout: 30000,
    },
  };
}

export function createDataSource(db: DatabaseConfig, asApp = false): DataSource {
  return new DataSource(dataSourceOptions(db, asApp));
}

/** How the demo seed marks its people: every demo login's email ends with this. */
export const DEMO_EMAIL_DOMAIN = '@demo.test';

interface AppRoleFacts {
  role: string;
  audit_table: boolean;
  superuser: boolean;
  owner: boolean;
  update: boolean;
  delete: boolean;
  truncate: boolean;
  demo_users: number;
}

/**
 * What the connection's role could do to the audit trail, counted over every role it is a member
 * of (a member can SET ROLE to it), and how many demo logins are active. One round trip.
 */
const APP_ROLE_FACTS = `
  WITH audit AS (SELECT to_regclass('public.audit_event') AS oid),
  roles AS (SELECT g.* FROM pg_roles g WHERE pg_has_role(current_user, g.oid, 'MEMBER'))
  SELECT current_user::text AS role,
    (SELECT oid IS NOT NULL FROM audit) AS audit_table,
    coalesce((SELECT bool_or(rolsuper) FROM roles), false) AS superuser,
    coalesce((SELECT bool_or(r.oid = c.relowner) FROM roles r, pg_class c
               WHERE c.oid = (SELECT oid FROM audit)), false) AS owner,
    coalesce((SELECT bool_or(has_table_privilege(r.oid, (SELECT oid FROM audit), 'UPDATE')) FROM roles r
               WHERE (SELECT oid FROM audit) IS NOT NULL), false) AS update,
    coalesce((SELECT bool_or(has_table_privilege(r.oid, (SELECT oid FROM audit), 'DELETE')) FROM roles r
               WHERE (SELECT oid FROM audit) IS NOT NULL), false) AS delete,
    coalesce((SELECT bool_or(has_table_privilege(r.oid, (SELECT oid FROM audit), 'TRUNCATE')) FROM roles r
               WHERE (SELECT oid FROM audit) IS NOT NULL), false) AS truncate,
    CASE WHEN to_regclass('public.app_user') IS NULL THEN 0 ELSE
      (SELECT count(*)::int FROM app_user
        WHERE active AND lower(email) LIKE '%' || $1) END AS demo_users`;

/**
 * The error for an application connection that could rewrite the audit trail. It names the
 * variable and the role, never the URL (which may hold a password).
 */
export function appRoleRefusal(facts: AppRoleFacts): string | undefined {
  if (!facts.audit_table) return undefined;
  const powers = [
    facts.superuser && 'is a superuser',
    facts.owner && 'owns audit_event (or is a member of its owner)',
    ...(['update', 'delete', 'truncate'] as const)
      .filter((p) => facts[p])
      .map((p) => `may ${p.toUpperCase()} audit_event`),
  ].filter((p): p is string => typeof p === 'string');
  if (powers.length === 0) return undefined;
  return (
    `DATABASE_APP_URL connects as role "${facts.role}", which ${powers.join(', ')}. ` +
    `The API and the worker must connect as the restricted application role (recovery_bridge_app, ` +
    `created by the migrations), which can only append to the audit trail. Refusing to start.`
  );
}

/** Printed at API and worker start while demo logins (published password) are active. */
export function demoUsersBanner(count: number): string {
  const line = '!'.repeat(78);
  return [
    line,
    `!! WARNING: ${count} demo login(s) (*${DEMO_EMAIL_DOMAIN}) are active in this database, with the`,
    `!! password published in the README. Never expose this instance or put real data in it;`,
    `!! deactivate or delete the demo users before any real use.`,
    line,
  ].join('\n');
}

/** A configuration error (printed as its message alone, exit 1), never retried. */
export class AppRoleError extends EnvironmentError {}

/**
 * The API's and the worker's data source: connects, then refuses to go on (AppRoleError, not
 * retried) when the role can change the audit trail, and warns (stderr and the log) while demo
 * logins exist, except under NODE_ENV=test, whose suites seed the demo on purpose.
 * `preparedStatements` false: preparedQuery sends unnamed statements (an old PgBouncer).
 */
export async function initializeAppDataSource(
  options: DataSourceOptions,
  demo: { banner: boolean; warn: (message: string) => void },
  preparedStatements = true,
): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  setPreparedStatements(dataSource, preparedStatements);
  try {
    const [facts]: AppRoleFacts[] = await dataSource.query(APP_ROLE_FACTS, [DEMO_EMAIL_DOMAIN]);
    const refusal = appRoleRefusal(facts);
    if (refusal) throw new AppRoleError(refusal);
    if (demo.banner && facts.demo_users > 0) {
      const banner = demoUsersBanner(facts.demo_users);
      process.stderr.write(`${banner}\n`);
      demo.warn(banner);
    }
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}
