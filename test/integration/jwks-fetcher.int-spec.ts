import { randomUUID } from 'node:crypto';

import { exportJWK, generateKeyPair, JWK } from 'jose';

import { JwksFetcher } from '../../src/auth/smart/jwks-fetcher.service';
import { Config, SmartConfig } from '../../src/config/configuration';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';

describe('JwksFetcher (SSRF guards, limits, cache)', () => {
  let server: JwksServer;
  let key: JWK;
  const fetcherWith = (over: Partial<SmartConfig['jwks']> = {}) =>
    new JwksFetcher({
      smart: {
        publicBaseUrl: 'https://bridge.example.test',
        tokenEndpoint: 'https://bridge.example.test/oauth/token',
        jwks: {
          timeoutMs: 300,
          maxBytes: 4096,
          cacheMs: 60_000,
          httpHosts: new Set(['127.0.0.1', '127.0.0.2', 'localhost']),
          allowedAddresses: ['127.0.0.1'],
          ...over,
        },
      },
    } as Config);
  const path = (name: string) => `/${name}/${randomUUID()}`;

  beforeAll(async () => {
    server = await startJwksServer();
    key = { ...(await exportJWK((await generateKeyPair('ES384')).publicKey)), kid: 'k1' };
  });
  afterAll(() => server.close());

  it('should fetch a public JWK Set once and answer it from the cache', async () => {
    const url = server.json(path('ok'), { keys: [key] });
    const sut = fetcherWith();
    const [a, b] = await Promise.all([sut.get(url), sut.get(url)]);
    expect(a).toEqual({ keys: [key] });
    expect(await sut.get(url)).toBe(a);
    expect(b).toBe(a);
    expect(server.hits.get(new URL(url).pathname)).toBe(1);
    // An unknown kid right after a fetch does not refetch (cooldown).
    expect(await sut.refresh(url)).toBeUndefined();
    expect(server.hits.get(new URL(url).pathname)).toBe(1);
  });

  it('should refetch once the cache lapsed', async () => {
    const url = server.json(path('lapse'), { keys: [key] });
    const sut = fetcherWith({ cacheMs: 0 });
    await sut.get(url);
    await sut.get(url);
    expect(server.hits.get(new URL(url).pathname)).toBe(2);
  });

  it('should time out', async () => {
    const url = server.route(path('slow'), (_req, res) => {
      setTimeout(() => res.writeHead(200).end(JSON.stringify({ keys: [key] })), 1000);
    });
    await expect(fetcherWith().get(url)).rejects.toThrow('no complete answer within 300 ms');
  });

  it('should time out on a body that trickles', async () => {
    const url = server.route(path('trickle'), (_req, res) => {
      res.writeHead(200);
      res.write('{"keys":');
      setTimeout(() => res.end(JSON.stringify([key]) + '}'), 1000);
    });
    await expect(fetcherWith().get(url)).rejects.toThrow('no complete answer within 300 ms');
  });

  it('should refuse a body over the cap, announced or streamed', async () => {
    const big = JSON.stringify({ keys: [key], pad: 'x'.repeat(5000) });
    const announced = server.route(path('big'), (_req, res) => res.writeHead(200).end(big));
    await expect(fetcherWith().get(announced)).rejects.toThrow(
      'the JWK Set is larger than 4096 bytes',
    );
    const streamed = server.route(path('stream'), (_req, res) => {
      res.writeHead(200);
      res.write(big.slice(0, 3000));
      res.end(big.slice(3000));
    });
    await expect(fetcherWith().get(streamed)).rejects.toThrow(
      'the JWK Set is larger than 4096 bytes',
    );
  });

  it('should not follow redirects', async () => {
    const target = server.json(path('target'), { keys: [key] });
    const url = server.route(path('redirect'), (_req, res) =>
      res.writeHead(301, { location: target }).end(),
    );
    await expect(fetcherWith().get(url)).rejects.toThrow('the JWKS URL answered 301');
    expect(server.hits.get(new URL(target).pathname)).toBeUndefined();
  });

  it('should refuse what is not a public JWK Set', async () => {
    const html = server.route(path('html'), (_req, res) => res.writeHead(200).end('<html>'));
    await expect(fetcherWith().get(html)).rejects.toThrow('the JWKS URL did not answer JSON');
    const secret = server.json(path('secret'), { keys: [{ ...key, d: 'AAAA' }] });
    await expect(fetcherWith().get(secret)).rejects.toThrow(
      'not a public JWK Set: jwks.keys[0] must be a public key: it holds the private member "d"',
    );
  });

  it('should never connect to a loopback, private or metadata address that is not allowed', async () => {
    const p = path('private');
    server.json(p, { keys: [key] });
    const port = new URL(server.origin).port;
    await expect(fetcherWith().get(`http://127.0.0.2:${port}${p}`)).rejects.toThrow(
      'address 127.0.0.2 is not allowed',
    );
    // A name is checked after DNS, when the connection is made.
    await expect(
      fetcherWith({ allowedAddresses: [] }).get(`http://localhost:${port}${p}`),
    ).rejects.toThrow(/^address (127\.0\.0\.1|::1) is not allowed$/);
    await expect(fetcherWith({ allowedAddresses: [] }).get(`${server.origin}${p}`)).rejects.toThrow(
      'address 127.0.0.1 is not allowed',
    );
    await expect(
      fetcherWith().get('https://169.254.169.254/latest/meta-data/jwks.json'),
    ).rejects.toThrow('address 169.254.169.254 is not allowed');
    await expect(fetcherWith().get('https://[fd00:ec2::254]/jwks.json')).rejects.toThrow(
      'address fd00:ec2::254 is not allowed',
    );
    expect(server.hits.get(p)).toBeUndefined();
  });

  it('should connect through a name whose addresses are all allowed', async () => {
    const url = server.json(path('by-name'), { keys: [key] });
    const byName = url.replace('127.0.0.1', 'localhost');
    const sut = fetcherWith({ allowedAddresses: ['127.0.0.1', '::1'] });
    expect(await sut.get(byName)).toEqual({ keys: [key] });
  });

  it('should refuse plain http to a host not configured for it', async () => {
    await expect(fetcherWith().get('http://ehr.example.org/jwks.json')).rejects.toThrow(
      'plain http is not allowed for this host',
    );
  });
});
