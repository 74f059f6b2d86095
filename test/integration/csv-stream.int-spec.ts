import { text } from 'node:stream/consumers';

import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';

import { CsvColumn, inSnapshot, poolOf, streamRows, toCsv } from '../../src/common/csv/csv';
import { loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import { eventually } from '../helpers/eventually';

interface Row {
  n: number;
  label: string;
}

const COLUMNS: CsvColumn<Row>[] = [
  { header: 'n', value: (r) => r.n },
  { header: 'label', value: (r) => r.label },
];

// Long enough that the export cannot finish before the test aborts it; a set-returning function
// in the select list streams (in FROM it would be materialized before the first row).
const BIG = `SELECT n, '=' || md5(n::text) AS label FROM (SELECT generate_series(1, 20000000) AS n) s /* csv-abort-probe */`;

describe('streamRows: a CSV export on a dedicated connection', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = createDataSource(loadConfig().db, true);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
  });

  const probeBackends = async (): Promise<number[]> =>
    (
      await ds.query(
        `SELECT pid FROM pg_stat_activity WHERE query LIKE '%csv-abort-probe%' AND pid <> pg_backend_pid()`,
      )
    ).map((r: { pid: number }) => r.pid);

  it('should stream every row, commit and give the connection back when read to the end', async () => {
    const pool = poolOf(ds);
    const rows = await streamRows<Row>(
      pool,
      { text: 'SELECT g AS n, $1 || g AS label FROM generate_series(1, 2500) g', values: ['-x'] },
      { batchSize: 100 },
    );
    expect(pool.totalCount - pool.idleCount).toBe(1);
    const parsed = parse(await text(toCsv(COLUMNS, rows)), { columns: true });
    expect(parsed).toHaveLength(2500);
    expect(parsed[0]).toEqual({ n: '1', label: "'-x1" });
    expect(parsed[2499]).toEqual({ n: '2500', label: "'-x2500" });
    await eventually(async () => (pool.totalCount - pool.idleCount === 0 ? true : undefined));
  });

  it('should release the connection at once and end the backend when the reader goes away', async () => {
    const pool = poolOf(ds);
    const rows = await streamRows<Row>(pool, { text: BIG, values: [] }, { batchSize: 200 });
    const csv = toCsv(COLUMNS, rows);
    const firstChunk = await new Promise<string>((resolve) =>
      csv.once('data', (c: Buffer) => resolve(c.toString())),
    );
    expect(firstChunk.startsWith('n,label\n')).toBe(true);
    const [pid] = await probeBackends();
    expect(pid).toEqual(expect.any(Number));
    const busyBefore = pool.totalCount - pool.idleCount;
    csv.destroy();
    // No waiting for the cursor: the pool no longer counts the connection as soon as it is destroyed.
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.totalCount - pool.idleCount).toBe(busyBefore - 1);
    await eventually(async () => ((await probeBackends()).length === 0 ? true : undefined));
    expect(await probeBackends()).toEqual([]);
  });

  it('should run beforeRows in the snapshot the rows are read from', async () => {
    const pool = poolOf(ds);
    let seen: string | undefined;
    const rows = await streamRows<{ s: string }>(
      pool,
      { text: 'SELECT pg_current_snapshot()::text AS s', values: [] },
      {
        beforeRows: async (snapshot) => {
          await ds.query('SELECT pg_current_xact_id()'); // a commit between the two
          seen = await inSnapshot(ds, snapshot, async (m) => {
            const [row] = await m.query('SELECT pg_current_snapshot()::text AS s');
            return row.s as string;
          });
        },
      },
    );
    const read: { s: string }[] = [];
    for await (const row of rows) read.push(row as { s: string });
    expect(read).toEqual([{ s: seen }]);
  });
});
