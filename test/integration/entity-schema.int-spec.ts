import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { DataSource, EntityMetadata, getMetadataArgsStorage } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

import { loadConfig } from '../../src/config/configuration';
import { dataSourceOptions } from '../../src/database/data-source';

/**
 * Every TypeORM entity agrees with the table the migrations built (issue 12 point 3): each mapped
 * column exists under its database name, with the entity's Postgres type (arrays by element type,
 * timestamps by precision, varchar by length, Postgres enums by label), the entity's nullability,
 * a database default wherever TypeORM leaves the value to the database (generated ids, create and
 * update dates, `default:`), and the table's primary key is the entity's. The migrations are the
 * truth (they are hand-written and never edited): a failure here is fixed in the entity.
 *
 * A table column the entity does not map must be listed in UNMAPPED, with the reason (the SQL that
 * writes it). Enumerations stored as `text` with a CHECK compare as text: their allowed values live
 * in TypeScript types, which do not exist at run time.
 */

const SRC = join(__dirname, '../../src');

type EntityClass = abstract new (...args: never[]) => unknown;

/** Every `*.entity.ts` under src/, and every entity the two processes' module graphs reach. */
async function loadEntityClasses(): Promise<EntityClass[]> {
  const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) =>
    f.endsWith('.entity.ts'),
  );
  for (const file of files) await import(join(SRC, file));
  await import('../../src/app.module');
  await import('../../src/worker.module');
  const targets = getMetadataArgsStorage()
    .tables.filter((t) => t.type === 'regular')
    .map((t) => t.target);
  return [...new Set(targets)].filter((t): t is EntityClass => typeof t === 'function');
}

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  element_type: string | null;
  is_nullable: 'YES' | 'NO';
  datetime_precision: number | null;
  character_maximum_length: number | null;
  has_default: boolean;
  enum_labels: string[] | null;
}

const COLUMNS_SQL = `
  SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable,
         c.datetime_precision, c.character_maximum_length,
         (c.column_default IS NOT NULL OR c.is_identity = 'YES' OR c.is_generated = 'ALWAYS')
           AS has_default,
         (SELECT e.data_type FROM information_schema.element_types e
           WHERE e.object_catalog = c.table_catalog AND e.object_schema = c.table_schema
             AND e.object_name = c.table_name AND e.object_type = 'TABLE'
             AND e.collection_type_identifier = c.dtd_identifier) AS element_type,
         (SELECT array_agg(en.enumlabel::text ORDER BY en.enumsortorder)
            FROM pg_type t JOIN pg_enum en ON en.enumtypid = t.oid
           WHERE c.data_type = 'USER-DEFINED' AND t.typname = c.udt_name) AS enum_labels
    FROM information_schema.columns c
   WHERE c.table_schema = 'public'`;

const PRIMARY_KEYS_SQL = `
  SELECT k.table_name, k.column_name
    FROM information_schema.table_constraints tc
    JOIN information_schema.key_column_usage k
      ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
     AND k.table_name = tc.table_name
   WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY'`;

/** Columns of entity tables that no entity maps: written and read by SQL alone. */
const UNMAPPED: Record<string, string[]> = {
  // The audit chain's links, set when the worker seals events (audit_event_seal, in SQL).
  audit_event: ['hash', 'prev_hash'],
};

/** Postgres's default fractional-second precision of timestamp and time types. */
const DEFAULT_TIME_PRECISION = 6;
const TIME_TYPES = /^(timestamp|time) with(out)? time zone$/;

/** What the entity says a column is, in information_schema's words. */
function expectedColumn(ds: DataSource, column: ColumnMetadata): Record<string, unknown> {
  const type = ds.driver.normalizeType(column);
  const described: Record<string, unknown> = {
    type: column.isArray ? `${type}[]` : type,
    nullable: column.isNullable,
  };
  if (TIME_TYPES.test(type)) described.precision = column.precision ?? DEFAULT_TIME_PRECISION;
  if (type === 'character varying' && column.length) described.length = Number(column.length);
  if (type === 'enum') described.type = `enum(${(column.enum ?? []).map(String).join(',')})`;
  if (needsDatabaseDefault(column)) described.default = 'database';
  return described;
}

/** TypeORM leaves these to the database when the property is unset: the column needs a default. */
function needsDatabaseDefault(column: ColumnMetadata): boolean {
  return (
    column.isGenerated || column.isCreateDate || column.isUpdateDate || column.default !== undefined
  );
}

/** The same description of the table's column, or `missing`. */
function actualColumn(
  column: ColumnMetadata,
  db: DbColumn | undefined,
): Record<string, unknown> | string {
  if (!db) return 'missing';
  const type =
    db.data_type === 'ARRAY'
      ? `${db.element_type}[]`
      : db.data_type === 'USER-DEFINED' && db.enum_labels
        ? `enum(${db.enum_labels.join(',')})`
        : db.data_type;
  const described: Record<string, unknown> = { type, nullable: db.is_nullable === 'YES' };
  const scalar = db.data_type === 'ARRAY' ? (db.element_type ?? '') : db.data_type;
  if (TIME_TYPES.test(scalar)) described.precision = db.datetime_precision;
  if (scalar === 'character varying' && column.length)
    described.length = db.character_maximum_length;
  if (needsDatabaseDefault(column)) described.default = db.has_default ? 'database' : 'none';
  return described;
}

describe('TypeORM entities agree with the migrated schema (integration)', () => {
  let ds: DataSource;
  let columns: Map<string, DbColumn>;
  let primaryKeys: Map<string, string[]>;
  const label = (meta: EntityMetadata) => `${meta.name} (${meta.tablePath})`;

  beforeAll(async () => {
    // The owner's connection, like the migrations: information_schema shows it every column.
    const entities = await loadEntityClasses();
    ds = new DataSource({ ...dataSourceOptions(loadConfig().db, false), entities });
    await ds.initialize();
    const rows: DbColumn[] = await ds.query(COLUMNS_SQL);
    columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    primaryKeys = new Map();
    for (const { table_name, column_name } of await ds.query(PRIMARY_KEYS_SQL)) {
      primaryKeys.set(table_name, [...(primaryKeys.get(table_name) ?? []), column_name]);
    }
  });
  afterAll(() => ds?.destroy());

  it('should check every entity of the code base', () => {
    // Those the modules register with TypeOrmModule.forFeature, and those only imported.
    expect(ds.entityMetadatas.map((m) => m.tableName).sort()).toEqual(
      expect.arrayContaining(['audit_event', 'client', 'organization', 'specialist_certification']),
    );
    expect(ds.entityMetadatas.length).toBeGreaterThanOrEqual(16);
  });

  it('should map each entity column to a table column of the same name, type and nullability', () => {
    const expected: Record<string, Record<string, unknown>> = {};
    const actual: Record<string, Record<string, unknown>> = {};
    for (const meta of ds.entityMetadatas) {
      const e: Record<string, unknown> = (expected[label(meta)] = {});
      const a: Record<string, unknown> = (actual[label(meta)] = {});
      // A @VirtualColumn is a SELECT expression (e.g. a goal's notes count), not a table column.
      for (const column of meta.columns.filter((c) => !c.isVirtualProperty)) {
        e[column.databaseName] = expectedColumn(ds, column);
        a[column.databaseName] = actualColumn(
          column,
          columns.get(`${meta.tablePath}.${column.databaseName}`),
        );
      }
    }
    expect(actual).toEqual(expected);
  });

  it('should map every column of each entity’s table, or say why not (UNMAPPED)', () => {
    const expected: Record<string, string[]> = {};
    const actual: Record<string, string[]> = {};
    for (const meta of ds.entityMetadatas) {
      const mapped = new Set(meta.columns.map((c) => c.databaseName));
      expected[label(meta)] = [...(UNMAPPED[meta.tablePath] ?? [])].sort();
      actual[label(meta)] = [...columns.values()]
        .filter((c) => c.table_name === meta.tablePath && !mapped.has(c.column_name))
        .map((c) => c.column_name)
        .sort();
    }
    expect(actual).toEqual(expected);
  });

  it('should give each entity its table’s primary key', () => {
    const expected: Record<string, string[]> = {};
    const actual: Record<string, string[]> = {};
    for (const meta of ds.entityMetadatas) {
      expected[label(meta)] = meta.primaryColumns.map((c) => c.databaseName).sort();
      actual[label(meta)] = [...(primaryKeys.get(meta.tablePath) ?? [])].sort();
    }
    expect(actual).toEqual(expected);
  });
});
