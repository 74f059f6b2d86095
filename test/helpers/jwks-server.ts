import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local http server that publishes JWK Sets (and misbehaves on request) for JWKS URL tests. */
export interface JwksServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Requests served per path. */
  hits: Map<string, number>;
  /** Serves `handler` at `path`. */
  route(path: string, handler: Handler): string;
  /** Serves a JSON body at `path`; returns its URL. */
  json(path: string, body: unknown): string;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler) return handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const route = (path: string, handler: Handler): string => {
    routes.set(path, handler);
    return `${origin}${path}`;
  };
  return {
    origin,
    hits,
    route,
    json: (path, body) =>
      route(path, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
