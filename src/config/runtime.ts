/**
 * The API process's V8 flags. Without a cap V8 grows the old space lazily under load: RSS rose past
 * 300 MB in a minute of the benchmark's mixed load and fell back only at a major GC. With 192 MB of
 * old space it stays flat under 300 MB at the same throughput (BENCHMARKS.md, memory). The
 * Dockerfile, docker-compose.yml and `npm run start:api` pass the same flag.
 */
export const API_NODE_FLAGS = ['--max-old-space-size=192'];
