import { connect, Socket } from 'node:net';

/** One request: method, path, headers and an optional JSON body. Built per connection and sequence. */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface LoadOptions {
  port: number;
  connections: number;
  durationMs: number;
  /** conn: 0..connections-1; seq: a counter unique across the whole run. */
  request: (conn: number, seq: number) => BenchRequest;
  /** A response counts as a success when this holds (default: 2xx). */
  ok?: (status: number) => boolean;
}

export interface LoadResult {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  firstError?: string;
  latenciesMs: number[];
  elapsedMs: number;
  rps: number;
}

let globalSeq = 0;

function encode(req: BenchRequest, port: number): Buffer {
  const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(req.headers ?? {})) head += `${k}: ${v}\r\n`;
  if (body) head += `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`;
  head += '\r\n';
  return body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head);
}

/** Parses one HTTP/1.1 response out of buf; undefined while incomplete. */
function parseResponse(buf: Buffer): { status: number; end: number; body: Buffer } | undefined {
  const headerEnd = buf.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const head = buf.subarray(0, headerEnd).toString('latin1');
  const status = Number(head.slice(9, 12));
  const lower = head.toLowerCase();
  const cl = /\r\ncontent-length: *(\d+)/.exec(lower);
  const start = headerEnd + 4;
  if (cl) {
    const end = start + Number(cl[1]);
    return buf.length >= end ? { status, end, body: buf.subarray(start, end) } : undefined;
  }
  if (/\r\ntransfer-encoding: *chunked/.test(lower)) {
    let pos = start;
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', pos);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1'), 16);
      const dataStart = lineEnd + 2;
      if (buf.length < dataStart + size + 2) return undefined;
      if (size === 0) return { status, end: dataStart + 2, body: Buffer.concat(parts) };
      parts.push(buf.subarray(dataStart, dataStart + size));
      pos = dataStart + size + 2;
    }
  }
  return { status, end: start, body: Buffer.alloc(0) }; // 204/304 and the like
}

/**
 * A small closed-loop load generator on raw keep-alive sockets: each connection sends a request,
 * waits for the whole response, then sends the next, for a fixed duration. Cheap enough on the
 * client side (no http module parsing) that it disturbs the measured server as little as possible.
 */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const ok = opts.ok ?? ((s: number) => s >= 200 && s < 300);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let firstError: string | undefined;
  let requests = 0;
  const started = performance.now();
  const deadline = started + opts.durationMs;
  let open = 0;

  return new Promise((resolve) => {
    const finish = (): void => {
      const elapsedMs = performance.now() - started;
      resolve({
        requests,
        errors,
        statuses,
        firstError,
        latenciesMs: latencies,
        elapsedMs,
        rps: (requests * 1000) / elapsedMs,
      });
    };
    const startConnection = (conn: number): void => {
      open += 1;
      const socket: Socket = connect({ port: opts.port, host: '127.0.0.1', noDelay: true });
      let buf: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      let done = false;
      const close = (): void => {
        if (done) return;
        done = true;
        socket.destroy();
        open -= 1;
        if (open === 0) finish();
      };
      const send = (): void => {
        if (performance.now() >= deadline) return close();
        globalSeq += 1;
        sentAt = performance.now();
        socket.write(encode(opts.request(conn, globalSeq), opts.port));
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        const res = parseResponse(buf);
        if (!res) return;
        buf = buf.subarray(res.end);
        latencies.push(performance.now() - sentAt);
        requests += 1;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (!ok(res.status)) {
          errors += 1;
          firstError ??= `${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
        }
        send();
      });
      socket.on('error', (err) => {
        errors += 1;
        firstError ??= err.message;
        close();
      });
      socket.on('close', close);
    };
    for (let c = 0; c < opts.connections; c += 1) startConnection(c);
  });
}

/** One request, for set-up (logins, fixtures). Returns status and parsed JSON body. */
export async function request(
  port: number,
  req: BenchRequest,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let buf: Buffer = Buffer.alloc(0);
    socket.on('connect', () => socket.write(encode({ ...req, headers: { ...req.headers } }, port)));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const res = parseResponse(buf);
      if (!res) return;
      socket.destroy();
      const text = res.body.toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      resolve({ status: res.status, body });
    });
    socket.on('error', reject);
  });
}
