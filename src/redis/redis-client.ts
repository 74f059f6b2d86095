import Redis, { Cluster, RedisOptions } from 'ioredis';

/** A single Redis or a Redis Cluster: every command the service uses works on both. */
export type RedisClient = Redis | Cluster;

export interface RedisConfig {
  /** redis:// or rediss:// URL: the server, or (with clusterNodes) the credentials and TLS only. */
  url: string;
  /** REDIS_CLUSTER_NODES: the cluster's seed nodes; unset for a single Redis. */
  clusterNodes?: { host: string; port: number }[];
}

/** Connection options carried by the URL: address, database, credentials, TLS. */
export function urlOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: Number(u.pathname.slice(1) || 0),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * A client for the configured Redis: a Cluster client when REDIS_CLUSTER_NODES is set (the URL
 * then gives only credentials and TLS: a cluster has no numbered databases), else a Redis client.
 */
export function createRedisClient(config: RedisConfig, options: RedisOptions = {}): RedisClient {
  const fromUrl = urlOptions(config.url);
  if (!config.clusterNodes?.length) return new Redis({ ...fromUrl, ...options });
  const { username, password, tls } = fromUrl;
  // lazyConnect is the cluster client's own option too: in redisOptions alone it only delays
  // each node's connection, and the cluster connects at once (a later connect() then throws).
  const { enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  return new Cluster(config.clusterNodes, {
    redisOptions: { username, password, tls, ...nodeOptions },
    enableOfflineQueue: enableOfflineQueue ?? true,
    lazyConnect,
    // The nodes announce the addresses they were started with; keep the seeds' TLS on redirects.
    slotsRefreshTimeout: 2000,
    clusterRetryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
