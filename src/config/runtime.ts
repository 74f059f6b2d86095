/**
 * The Node.js major this service runs on (an active LTS line). `npm ci` installs it as the
 * `node` dev dependency, and npm runs every script with `node_modules/.bin/node`; the Docker image
 * is built on the same major. Every entry point imports `./node-guard` first, so no process
 * silently runs on another major.
 */
export const NODE_MAJOR = 24;

/** Why this Node.js cannot run the service, or null when it can. */
export function unsupportedNode(version: string = process.versions.node): string | null {
  if (Number(version.split('.')[0]) === NODE_MAJOR) return null;
  return (
    `Node.js ${version} is not supported: Recovery Bridge runs on Node.js ${NODE_MAJOR} LTS. ` +
    `Run it through npm (npm start, npm test, npm exec -- node ...), which uses the Node ${NODE_MAJOR} ` +
    `that npm ci installs into node_modules/.bin, or install Node.js ${NODE_MAJOR}.`
  );
}

/**
 * The API process's V8 flags. Without a cap V8 grows the old space lazily under load: RSS rose past
 * 300 MB in a minute of the benchmark's mixed load and fell back only at a major GC. With 192 MB of
 * old space it stays flat under 300 MB at the same throughput (BENCHMARKS.md, memory). Node 24's
 * V8 also sizes the young generation larger (64 MB of new space at idle): RSS sat at 365 MB under
 * the same mix; 16 MB semi-spaces (Node 20's size) bring it back to 235-264 MB, at more
 * requests a second. The Dockerfile, docker-compose.yml and `npm run start:api` pass the same
 * flags.
 */
export const API_NODE_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=16'];

/**
 * The worker's V8 flags, for the same reason: uncapped, its RSS under the webhook deliverer's load
 * (S10: 2,000 deliveries a second) stepped between 340 and 380 MB as V8 resized the heap, while
 * the live heap stayed at 35-55 MB after each collection (no leak). The same young generation as
 * the API, and an old space cap with room for a scan's batch.
 */
// `npm start`, `npm run start:worker`, docker-compose.yml and the test topology pass the same flags.
export const WORKER_NODE_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=16'];
