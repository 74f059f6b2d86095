import { get as httpGet, IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { isIP } from 'node:net';

import { Inject, Injectable, Logger } from '@nestjs/common';

import { CONFIG } from '../../config/config.module';
import { Config, SmartConfig } from '../../config/configuration';
import { AddressGuard } from './address-guard';
import { jwkSetErrors, PublicJwkSet } from './jwk-set';

/** Why a JWKS URL gave no usable JWK Set (the message names no client data: URL and cause). */
export class JwksFetchError extends Error {}

interface Cached {
  jwks: PublicJwkSet;
  fetchedAt: number;
}

// A key rotated in before the cache lapsed: an unknown kid refetches, at most this often per URL.
const REFETCH_COOLDOWN_MS = 30_000;
const MAX_CACHED_URLS = 1000;

/**
 * Fetches API clients' JWK Sets (SMART Backend Services) without letting a registered URL reach
 * inside the network: https only (plain http for JWKS_HTTP_HOSTS), the address checked when the
 * connection is made (AddressGuard: private, loopback, link-local and metadata addresses refused
 * unless JWKS_ALLOWED_ADDRESSES lists them, also after DNS), no redirects followed, a timeout, a
 * size cap, and a per-process cache.
 */
@Injectable()
export class JwksFetcher {
  private readonly logger = new Logger(JwksFetcher.name);
  private readonly settings: SmartConfig['jwks'];
  private readonly guard: AddressGuard;
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<Cached>>();

  constructor(@Inject(CONFIG) config: Config) {
    this.settings = config.smart.jwks;
    this.guard = new AddressGuard(this.settings.allowedAddresses);
  }

  /** The JWK Set at the URL, from the cache while it is fresh. */
  async get(url: string): Promise<PublicJwkSet> {
    const hit = this.cache.get(url);
    if (hit && Date.now() - hit.fetchedAt < this.settings.cacheMs) return hit.jwks;
    return (await this.load(url)).jwks;
  }

  /** After an unknown kid: the JWK Set fetched again, unless it was fetched moments ago. */
  async refresh(url: string): Promise<PublicJwkSet | undefined> {
    const hit = this.cache.get(url);
    if (hit && Date.now() - hit.fetchedAt < REFETCH_COOLDOWN_MS) return undefined;
    return (await this.load(url)).jwks;
  }

  private load(url: string): Promise<Cached> {
    const running = this.inFlight.get(url);
    if (running) return running;
    const loading = this.fetchJwks(url)
      .then((jwks) => {
        const entry = { jwks, fetchedAt: Date.now() };
        if (this.cache.size >= MAX_CACHED_URLS) this.cache.clear();
        this.cache.set(url, entry);
        return entry;
      })
      .catch((err: unknown) => {
        this.logger.warn({ url, reason: (err as Error).message }, 'JWKS fetch refused or failed');
        throw err instanceof JwksFetchError ? err : new JwksFetchError((err as Error).message);
      })
      .finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, loading);
    return loading;
  }

  private async fetchJwks(url: string): Promise<PublicJwkSet> {
    const target = new URL(url);
    const plainHttp = target.protocol === 'http:';
    if (plainHttp && !this.settings.httpHosts.has(target.hostname.toLowerCase())) {
      throw new JwksFetchError('plain http is not allowed for this host');
    }
    if (!plainHttp && target.protocol !== 'https:') {
      throw new JwksFetchError('only https JWKS URLs are fetched');
    }
    // Node connects to an IP literal without a lookup: check it here.
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.guard.isAllowed(host)) {
      throw new JwksFetchError(`address ${host} is not allowed`);
    }
    const body = await this.download(target, plainHttp);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new JwksFetchError('the JWKS URL did not answer JSON');
    }
    const errors = await jwkSetErrors(parsed);
    if (errors.length > 0) throw new JwksFetchError(`not a public JWK Set: ${errors[0].message}`);
    return parsed as PublicJwkSet;
  }

  private download(url: URL, plainHttp: boolean): Promise<string> {
    const { timeoutMs, maxBytes } = this.settings;
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        request.destroy();
        reject(new JwksFetchError(message));
      };
      const timer = setTimeout(() => fail(`no complete answer within ${timeoutMs} ms`), timeoutMs);
      const options = {
        // A fresh connection each time (no pooled socket), resolved through the guard.
        agent: false as const,
        lookup: this.guard.lookup,
        headers: { accept: 'application/jwk-set+json, application/json' },
      };
      const onResponse = (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          // Redirects are never followed: the next hop could be an address we refuse.
          return fail(`the JWKS URL answered ${res.statusCode}`);
        }
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
          return fail(`the JWK Set is larger than ${maxBytes} bytes`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return fail(`the JWK Set is larger than ${maxBytes} bytes`);
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        res.on('error', (err) => fail(err.message));
      };
      const request = plainHttp
        ? httpGet(url, options, onResponse)
        : httpsGet(url, options, onResponse);
      request.on('error', (err) => {
        clearTimeout(timer);
        reject(new JwksFetchError(err.message));
      });
    });
  }
}
