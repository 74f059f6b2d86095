import { EnvironmentError } from './env.validation';

/**
 * The Node.js major this service runs on (an active LTS line). `npm ci` installs it as the
 * `node` dev dependency, and npm runs every script with `node_modules/.bin/node`; the Docker image
 * is built on the same major. Every process refuses to start on another one (`loadConfig`), so
 * nothing silently runs on an unsupported Node.
 */
export const NODE_MAJOR = 24;

export function assertSupportedNode(version: string = process.versions.node): void {
  const major = Number(version.split('.')[0]);
  if (major !== NODE_MAJOR) {
    throw new EnvironmentError(
      `Node.js ${version} is not supported: Recovery Bridge runs on Node.js ${NODE_MAJOR} LTS. ` +
        `Run it through npm (npm start, npm test), which uses the Node ${NODE_MAJOR} that npm ci ` +
        `installs into node_modules/.bin, or install Node.js ${NODE_MAJOR}.`,
    );
  }
}

/**
 * The API process's V8 flags. Without a cap V8 grows the old space lazily under load: RSS rose past
 * 300 MB in a minute of the benchmark's mixed load and fell back only at a major GC. With 192 MB of
 * old space it stays flat under 300 MB at the same throughput (BENCHMARKS.md, memory). The
 * Dockerfile, docker-compose.yml and `npm run start:api` pass the same flag.
 */
export const API_NODE_FLAGS = ['--max-old-space-size=192'];
