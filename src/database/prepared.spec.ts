import type { DataSource } from 'typeorm';

import { preparedQuery, setPreparedStatements, statementName } from './prepared';

/** A data source whose pool records the query configs it is given. */
function fakeDataSource(): { dataSource: DataSource; sent: { name?: string; text: string }[] } {
  const sent: { name?: string; text: string }[] = [];
  const pool = {
    query: async (config: { name?: string; text: string }) => {
      sent.push(config);
      return { rows: [{ one: 1 }] };
    },
  };
  return { dataSource: { driver: { master: pool } } as unknown as DataSource, sent };
}

describe('preparedQuery', () => {
  const TEXT = 'SELECT 1 AS one WHERE $1::int = 1 -- prepared.spec';

  it('should send a named statement by default, the same name for the same text', async () => {
    const { dataSource, sent } = fakeDataSource();
    expect(await preparedQuery(dataSource, TEXT, [1])).toEqual([{ one: 1 }]);
    await preparedQuery(dataSource, TEXT, [1]);
    expect(sent[0].name).toMatch(/^rb_\d+$/);
    expect(sent[1].name).toBe(sent[0].name);
    expect(sent[0].name).toBe(statementName(TEXT));
  });

  it('should send unnamed statements on a data source with prepared statements off, and only there', async () => {
    const off = fakeDataSource();
    const on = fakeDataSource();
    setPreparedStatements(off.dataSource, false);
    expect(await preparedQuery(off.dataSource, TEXT, [1])).toEqual([{ one: 1 }]);
    await preparedQuery(on.dataSource, TEXT, [1]);
    expect(off.sent).toEqual([{ name: undefined, text: TEXT, values: [1] }]);
    expect(on.sent[0].name).toBe(statementName(TEXT));

    setPreparedStatements(off.dataSource, true);
    await preparedQuery(off.dataSource, TEXT, [1]);
    expect(off.sent[1].name).toBe(statementName(TEXT));
  });
});
