import request from 'supertest';
import { DataSource } from 'typeorm';

/**
 * After an outage: posts again every discharge whose first answer was not 201, until it is
 * accepted. 200 means the first attempt had committed but its answer was lost with the connection.
 */
export async function retryUntilAccepted(
  first: request.Response[],
  post: (i: number) => Promise<request.Response>,
): Promise<void> {
  for (const [i, res] of first.entries()) {
    if (res.status === 201) continue;
    let retry = await post(i);
    for (let n = 0; n < 50 && retry.status === 503; n++) {
      await new Promise((r) => setTimeout(r, 100));
      retry = await post(i);
    }
    expect([200, 201]).toContain(retry.status);
  }
}

/** No partial discharge: each client has one, with all 8 tasks, their 16 job rows and outbox rows. */
export async function expectWholeDischarges(ds: DataSource, clients: string[]): Promise<void> {
  const [counts] = await ds.query(
    `SELECT count(DISTINCT d.id)::int AS discharges, count(DISTINCT f.id)::int AS tasks,
            count(DISTINCT j.job_id)::int AS jobs, count(DISTINCT o.id)::int AS outbox
     FROM discharge d JOIN follow_up f ON f.discharge_id = d.id
     LEFT JOIN follow_up_job j ON j.follow_up_id = f.id LEFT JOIN outbox o ON o.job_id = j.job_id
     WHERE d.client_id = ANY($1)`,
    [clients],
  );
  const n = clients.length;
  expect(counts).toEqual({ discharges: n, tasks: n * 8, jobs: n * 16, outbox: n * 16 });
  const orphans = await ds.query(
    `SELECT d.id FROM discharge d WHERE d.client_id = ANY($1)
       AND (SELECT count(*) FROM follow_up f WHERE f.discharge_id = d.id) <> 8`,
    [clients],
  );
  expect(orphans).toEqual([]);
}
