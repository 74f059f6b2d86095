import type { ConnectionOptions } from 'bullmq';

import { createRedisClient, RedisConfig, urlOptions } from '../redis/redis-client';

/**
 * BullMQ's connection (it needs maxRetriesPerRequest: null): options for a single Redis, from
 * which BullMQ opens and closes its own connections; a Cluster client on a cluster (BullMQ takes
 * cluster connections only as clients).
 */
export function bullConnection(config: RedisConfig): ConnectionOptions {
  if (config.clusterNodes?.length) return createRedisClient(config, { maxRetriesPerRequest: null });
  return { ...urlOptions(config.url), maxRetriesPerRequest: null };
}
