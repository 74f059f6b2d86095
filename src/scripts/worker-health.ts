import '../config/node-guard';

import { readFileSync } from 'node:fs';

import { loadConfig } from '../config/configuration';

/**
 * The worker's healthcheck (docker compose, Kubernetes exec probe): exit 0 when the worker wrote
 * its heartbeat within three intervals, 1 otherwise. See WorkerHeartbeat.
 */
export function workerHealthy(now = Date.now()): boolean {
  const { file, intervalMs } = loadConfig().worker.heartbeat;
  if (!file) return false;
  try {
    return now - Number(readFileSync(file, 'utf8')) < 3 * intervalMs;
  } catch {
    return false;
  }
}

if (require.main === module) process.exit(workerHealthy() ? 0 : 1);
