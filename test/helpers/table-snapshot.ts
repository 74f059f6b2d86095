import { DataSource } from 'typeorm';

/**
 * A fingerprint of every table's content: row count and an md5 of the rows (cheap at test sizes,
 * and exact, unlike counts and max(updated_at)). `exclude` names tables that change on purpose
 * even when a request fails (audit_event records denials).
 */
export class TableSnapshot {
  private constructor(
    private readonly ds: DataSource,
    private readonly sql: string,
  ) {}

  static async create(ds: DataSource, exclude: string[]): Promise<TableSnapshot> {
    const rows: { table_name: string }[] = await ds.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> ALL($1)
         -- a partition's rows are its parent's (audit_event's months): the parent stands for them
         AND table_name NOT IN (SELECT c.relname::text FROM pg_inherits i
           JOIN pg_class c ON c.oid = i.inhrelid)
       ORDER BY table_name`,
      [[...exclude, 'migrations']],
    );
    const sql = rows
      .map(
        ({ table_name: t }) =>
          `SELECT '${t}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
      )
      .join(' UNION ALL ');
    return new TableSnapshot(ds, sql);
  }

  async take(): Promise<Map<string, string>> {
    const rows: { t: string; n: number; h: string }[] = await this.ds.query(this.sql);
    return new Map(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
  }

  /** The tables whose content differs between two snapshots. */
  static changed(before: Map<string, string>, after: Map<string, string>): string[] {
    return [...after.keys()].filter((t) => before.get(t) !== after.get(t));
  }

  get tableCount(): number {
    return this.sql.split(' UNION ALL ').length;
  }
}
