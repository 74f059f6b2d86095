import '../config/node-guard';

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { dump } from 'js-yaml';

import { buildOpenApiDocument } from '../bootstrap/http-setup';
import { createApp } from '../main';

const TARGET = join(process.cwd(), 'openapi.yaml');

/** Writes openapi.yaml from the code; with --check, fails when the committed file is stale. */
async function main(): Promise<void> {
  const app = await createApp();
  await app.init();
  const yaml = dump(buildOpenApiDocument(app), { noRefs: true, lineWidth: 120, sortKeys: false });
  await app.close();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(TARGET, 'utf8');
    if (committed !== yaml) {
      console.error('openapi.yaml is stale: run `npm run openapi` (it builds first) and commit it');
      process.exit(1);
    }
    console.log('openapi.yaml is up to date');
    return;
  }
  writeFileSync(TARGET, yaml);
  console.log(`wrote ${TARGET}`);
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
