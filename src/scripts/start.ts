import '../config/node-guard';

import { ChildProcess, fork } from 'node:child_process';
import { extname, join } from 'node:path';

import { loadConfig } from '../config/configuration';
import { API_NODE_FLAGS, WORKER_NODE_FLAGS } from '../config/runtime';
import { setupDatabase } from './db-setup';
import { preflight } from './preflight';
import { demoSeedDecision, seedDemoDatabase } from '../database/seeds/demo';

/**
 * `npm start`: create the database if missing, migrate, seed the demo data when asked (`--demo`,
 * which the npm script passes, or DEMO_DATA=true; see demoSeedDecision), then run the API and the
 * worker as two processes. SIGTERM is passed on to both; if one dies, the other is stopped too, so
 * a supervisor restarts the pair.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const unreachable = await preflight(config);
  if (unreachable.length > 0) {
    for (const problem of unreachable) console.error(problem);
    process.exit(1);
  }
  await setupDatabase();
  const demo = await demoSeedDecision(config, process.argv.includes('--demo'));
  if (demo.seed) {
    await seedDemoDatabase(config);
    console.log(`demo data ready (${demo.reason}; see README for the demo logins)`);
  } else {
    console.log(`demo data not seeded: ${demo.reason}`);
  }
  // `.js` from dist; `.ts` when run through ts-node (the tests), whose -r flags the children keep.
  const ext = extname(__filename);
  const children: ChildProcess[] = [
    fork(join(__dirname, '..', `main${ext}`), [], {
      execArgv: [...process.execArgv, ...API_NODE_FLAGS],
    }),
    fork(join(__dirname, '..', `worker${ext}`), [], {
      execArgv: [...process.execArgv, ...WORKER_NODE_FLAGS],
    }),
  ];
  // Asked to stop (SIGTERM/SIGINT): a clean exit. A child that dies on its own takes the other
  // down and the exit status is non-zero (its code, or 1), whatever the other's exit looks like.
  let requested = false;
  let failure: number | undefined;
  const stopAll = (): void => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  };
  const onSignal = (): void => {
    requested = true;
    stopAll();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  for (const [i, child] of children.entries()) {
    child.on('exit', (code, signal) => {
      if (!requested && failure === undefined) {
        failure = code ? code : 1;
        console.error(
          `${i === 0 ? 'API' : 'worker'} exited (${signal ?? `code ${code}`}); stopping the other process`,
        );
        stopAll();
      }
      if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) {
        process.exit(failure ?? 0);
      }
    });
  }
  console.log(`API on http://localhost:${config.app.port} (docs at /docs); worker running`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
