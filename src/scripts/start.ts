import { ChildProcess, fork } from 'node:child_process';
import { extname, join } from 'node:path';

import { loadConfig } from '../config/configuration';
import { API_NODE_FLAGS } from '../config/runtime';
import { setupDatabase } from './db-setup';
import { demoSeedDecision, seedDemoDatabase } from './seed-demo';

/**
 * `npm start`: create the database if missing, migrate, seed the demo data when asked (`--demo`,
 * which the npm script passes, or DEMO_DATA=true; see demoSeedDecision), then run the API and the
 * worker as two processes. SIGTERM is passed on to both; if one dies, the other is stopped too, so
 * a supervisor restarts the pair.
 */
async function main(): Promise<void> {
  const config = loadConfig();
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
    fork(join(__dirname, '..', `worker${ext}`)),
  ];
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGTERM'));
  for (const child of children) {
    child.on('exit', (code) => {
      if (!stopping) stop('SIGTERM');
      if (children.every((c) => c.exitCode !== null || c.signalCode !== null))
        process.exit(stopping ? 0 : (code ?? 1));
    });
  }
  console.log(`API on http://localhost:${config.app.port} (docs at /docs); worker running`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
