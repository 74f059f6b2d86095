import { BenchOptions, BENCH } from '../lib/config';
import { ScenarioResult, Side } from '../lib/compare';
import { BenchRequest, request } from '../lib/load';
import { BenchUser, Dataset } from '../lib/seed';

export interface BenchContext {
  opts: BenchOptions;
  data: Dataset;
  service: Side;
  baseline: Side;
  /** A fresh access token of the user (logs in through the service when missing or old). */
  token(user: BenchUser): string;
  refreshTokens(): Promise<void>;
}

export interface Scenario {
  name: string;
  target: string;
  /** Why it cannot run yet (the endpoint or table is missing), or undefined when it can. */
  unavailable(ctx: BenchContext): Promise<string | undefined>;
  run(ctx: BenchContext): Promise<ScenarioResult>;
  /** The scenario's request, reused by the sustained-load memory scenario. */
  request?(ctx: BenchContext): (conn: number, seq: number) => BenchRequest;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** Logs every user in through the service, at most 4 at a time. Tokens live 15 minutes. */
export class Tokens {
  private readonly tokens = new Map<string, string>();
  private at = 0;

  constructor(
    private readonly port: number,
    private readonly users: BenchUser[],
  ) {}

  get(user: BenchUser): string {
    const t = this.tokens.get(user.id);
    if (!t) throw new Error(`no token for ${user.email}`);
    return t;
  }

  async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.at < 10 * 60_000) return;
    const queue = [...this.users];
    const loginOne = async (): Promise<void> => {
      for (let u = queue.shift(); u; u = queue.shift()) {
        const res = await request(this.port, {
          method: 'POST',
          path: '/api/v1/auth/login',
          body: { email: u.email, password: BENCH.password },
        });
        const body = res.body as { accessToken?: string };
        if (res.status !== 200 || !body.accessToken)
          throw new Error(`login of ${u.email} failed: ${res.status} ${JSON.stringify(res.body)}`);
        this.tokens.set(u.id, body.accessToken);
      }
    };
    await Promise.all([loginOne(), loginOne(), loginOne(), loginOne()]);
    this.at = Date.now();
  }
}

/** Sends one request of a scenario to the service: undefined when it answers as expected. */
export async function probe(
  ctx: BenchContext,
  req: BenchRequest,
  expected: number,
): Promise<string | undefined> {
  const res = await request(ctx.service.port, req);
  if (res.status === expected) return undefined;
  const body = JSON.stringify(res.body).slice(0, 200);
  return `${req.method} ${req.path.replace(/[0-9a-f-]{36}/g, ':id')} answered ${res.status} (expected ${expected}): ${body}`;
}
