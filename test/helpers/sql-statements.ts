import { Client as PgClient } from 'pg';

/** One statement the app sent to Postgres: its text and, for a prepared statement, its name. */
export interface SentStatement {
  text: string;
  name?: string;
}

/**
 * Every statement the app sends to Postgres while `run` runs, at the driver (pg's Client), so
 * TypeORM's queries and the named prepared statements sent on the pool alike are counted.
 */
export async function captureStatements(run: () => Promise<unknown>): Promise<SentStatement[]> {
  const seen: SentStatement[] = [];
  const original = PgClient.prototype.query;
  const spy = jest.spyOn(PgClient.prototype, 'query').mockImplementation(function (
    this: PgClient,
    ...args: unknown[]
  ) {
    const first = args[0];
    if (typeof first === 'string') seen.push({ text: first });
    else {
      const config = first as { text?: string; name?: string } | undefined;
      seen.push({ text: config?.text ?? '', name: config?.name });
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as never);
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return seen;
}
