import '../config/node-guard';

import { seedDemoDatabase } from '../database/seeds/demo';
import { DEMO_USERS } from '../database/seeds/demo-people';

/** `npm run seed:demo`: the demo data (src/database/seeds), refused in production. */
async function main(): Promise<void> {
  await seedDemoDatabase();
  console.log(`demo data ready: ${DEMO_USERS.map((u) => u.email).join(', ')}`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
