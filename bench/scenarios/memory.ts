import { ScenarioResult } from '../lib/compare';
import { BenchRequest, runLoad } from '../lib/load';
import { percentile, round, slope } from '../lib/stats';
import { BenchContext, Scenario } from './context';

/**
 * Sustained mixed load (every available scenario's request, in turn) on the API for
 * opts.memorySeconds, sampling its RSS every 5 s. Flat: the least-squares slope after the first
 * fifth, projected over 5 minutes, stays under 10 % of the mean.
 */
export function memoryScenario(sources: Scenario[]): Scenario {
  return {
    name: 'memory: API RSS under sustained load',
    target: '< 300 MB and flat over 5 min',
    async unavailable() {
      return undefined;
    },
    async run(ctx: BenchContext): Promise<ScenarioResult> {
      await ctx.refreshTokens();
      const usable: ((c: number, s: number) => BenchRequest)[] = [];
      const names: string[] = [];
      for (const s of sources) {
        if (s.request && !(await s.unavailable(ctx))) {
          usable.push(s.request(ctx));
          names.push(s.name.split(' ')[0]);
        }
      }
      const samples: { t: number; rss: number }[] = [];
      const started = Date.now();
      const sample = (): void => {
        samples.push({ t: (Date.now() - started) / 1000, rss: ctx.service.child.rssMb() });
      };
      sample();
      const timer = setInterval(sample, 5000);
      const load = await runLoad({
        port: ctx.service.port,
        connections: ctx.opts.connections,
        durationMs: ctx.opts.memorySeconds * 1000,
        request: (conn, seq) => usable[seq % usable.length](conn, seq),
      });
      clearInterval(timer);
      sample();
      const rss = samples.map((s) => s.rss);
      const tail = samples.filter((s) => s.t >= ctx.opts.memorySeconds / 5);
      const perMin = slope(
        tail.map((s) => s.t / 60),
        tail.map((s) => s.rss),
      );
      const mean = tail.reduce((a, s) => a + s.rss, 0) / Math.max(1, tail.length);
      const max = Math.max(...rss);
      const flat = perMin * 5 < mean * 0.1;
      return {
        scenario: this.name,
        ratio: null,
        target: this.target,
        p50Ms: round(percentile(load.latenciesMs, 50)),
        p99Ms: round(percentile(load.latenciesMs, 99)),
        rps: round(load.rps, 0),
        baselineRps: null,
        pass: max < 300 && flat,
        measured: true,
        notes: [
          `mix: ${names.join(', ')} for ${ctx.opts.memorySeconds} s, ${load.requests} requests, ${load.errors} failed`,
          `RSS start ${round(rss[0], 1)} MB, max ${round(max, 1)} MB, end ${round(rss[rss.length - 1], 1)} MB, slope after warm-up ${round(perMin, 2)} MB/min`,
          `samples (MB every 5 s): ${rss.map((r) => round(r, 0)).join(' ')}`,
        ],
      };
    },
  };
}
