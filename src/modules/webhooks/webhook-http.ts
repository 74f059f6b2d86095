import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';

import * as ipaddr from 'ipaddr.js';

/** What one attempt got back: the status (none when it never got one) or the failure. */
export interface WebhookHttpResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookHttpOptions {
  /** Hosts allowed over plain http and on private or loopback addresses (a local receiver). */
  httpAllowedHosts: ReadonlySet<string>;
  timeoutMs: number;
}

// The response body is read only to free the socket; nothing beyond this is kept or awaited.
const MAX_RESPONSE_BYTES = 64 * 1024;

/** An address a webhook may connect to: public unicast only (no private, loopback, link-local, metadata). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}

// The resolved address is checked at connection time, on every connection (DNS may change after
// registration, or answer differently the second time): the socket connects only to the address
// this lookup checked. 169.254.169.254 (cloud metadata) is link-local, so refused too.
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as unknown as LookupAddress[];
    const refused = list.find((a) => !isPublicAddress(a.address));
    if (refused || list.length === 0) {
      return callback(Object.assign(new Error('address refused'), { code: 'EADDRREFUSED' }), '', 0);
    }
    if ((options as LookupOptions).all) return callback(null, list as never);
    callback(null, list[0].address, list[0].family);
  });
};

const STRICT_HTTPS = new https.Agent({ keepAlive: true, lookup: checkedLookup });
const LOCAL_HTTP = new http.Agent({ keepAlive: true });
const LOCAL_HTTPS = new https.Agent({ keepAlive: true });

/** Why a URL may never be a webhook target (undefined: it may), checked at registration too. */
export function urlProblem(url: string, allowed: ReadonlySet<string>): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute URL';
  }
  if (parsed.username || parsed.password) return 'url must not carry credentials';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && allowed.has(parsed.hostname.toLowerCase())) return undefined;
  return 'url must use https';
}

/**
 * POSTs a signed webhook: no redirects followed (a 3xx is a failure), the whole exchange bounded
 * by the timeout (a slow body included), the response body capped and discarded.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: WebhookHttpOptions,
): Promise<WebhookHttpResult> {
  const started = Date.now();
  const problem = urlProblem(url, options.httpAllowedHosts);
  if (problem) return Promise.resolve({ statusCode: null, durationMs: 0, error: problem });
  const target = new URL(url);
  const local = options.httpAllowedHosts.has(target.hostname.toLowerCase());
  // An address literal skips the lookup: it is checked here instead.
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (!local && ipaddr.isValid(literal) && !isPublicAddress(literal)) {
    return Promise.resolve({ statusCode: null, durationMs: 0, error: 'address refused' });
  }
  const agent = local ? (target.protocol === 'http:' ? LOCAL_HTTP : LOCAL_HTTPS) : STRICT_HTTPS;
  const send = target.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, durationMs: Date.now() - started, error });
    };
    const req = send(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) res.destroy();
        });
        res.on('end', () => finish(res.statusCode ?? null, statusError(res.statusCode)));
        res.on('close', () => finish(res.statusCode ?? null, statusError(res.statusCode)));
        res.on('error', () => finish(res.statusCode ?? null, statusError(res.statusCode)));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(null, 'timeout');
    }, options.timeoutMs);
    req.on('error', (err) => finish(null, safeError(err)));
    req.end(body);
  });
}

function statusError(status: number | undefined): string | null {
  if (status !== undefined && status >= 200 && status < 300) return null;
  if (status !== undefined && status >= 300 && status < 400) return 'redirect not followed';
  return `status ${status ?? 'none'}`;
}

// The log keeps only the kind of failure, never an address.
function safeError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRREFUSED') return 'address refused';
  return code ?? 'connection failed';
}
