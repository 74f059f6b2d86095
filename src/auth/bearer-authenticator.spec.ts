import { createSecretKey, randomBytes } from 'node:crypto';

import { UnauthenticatedError } from '../common/errors/domain-error';
import { Config } from '../config/configuration';
import { BearerAuthenticator } from './bearer-authenticator';
import { Role } from './permissions';
import { Principal, UserPrincipal } from './principal';
import { SessionCheckService } from './session-check.service';
import { TokenService } from './token.service';

const USER: UserPrincipal = {
  kind: 'user',
  id: '0b9d6c1e-4f0e-4c4a-9a55-1c2d3e4f5a6b',
  organizationId: '7e1a0f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  role: Role.PeerSpecialist,
  sessionId: '5f0c8a3e-1b2d-4c6e-9f7a-2d3e4f5a6b7c',
};

function setup(active: boolean) {
  const config = {
    auth: {
      jwtKey: createSecretKey(randomBytes(32)),
      issuer: 'recovery-bridge',
      audience: 'recovery-bridge-api',
      accessTtlSeconds: 900,
    },
  } as Config;
  const tokens = new TokenService(config);
  const checked: Principal[] = [];
  const sessions = {
    isActive: (principal: Principal) => {
      checked.push(principal);
      return Promise.resolve(active);
    },
  } as unknown as SessionCheckService;
  return { bearer: new BearerAuthenticator(tokens, sessions), tokens, checked };
}

describe('BearerAuthenticator (the guard and the queue dashboard share it)', () => {
  it('should answer the principal of a valid access token, with the request correlation id', async () => {
    const { bearer, tokens, checked } = setup(true);
    const principal = await bearer.authenticate(`Bearer ${tokens.signAccess(USER)}`, 'corr-1');
    expect(principal).toEqual({ ...USER, context: { correlationId: 'corr-1' } });
    expect(checked).toHaveLength(1);
  });

  it('should refuse a missing, malformed or non-bearer header before verifying anything', async () => {
    const { bearer, tokens, checked } = setup(true);
    const token = tokens.signAccess(USER);
    for (const header of [
      undefined,
      '',
      'Bearer',
      `bearer ${token}`,
      `Basic ${token}`,
      `Bearer  ${token}`,
      `Bearer ${token} x`,
    ]) {
      await expect(bearer.authenticate(header, 'c')).rejects.toBeInstanceOf(UnauthenticatedError);
    }
    expect(checked).toHaveLength(0);
  });

  it('should refuse a token signed with another key, and one whose session was revoked', async () => {
    const other = setup(true).tokens.signAccess(USER);
    const live = setup(true);
    await expect(live.bearer.authenticate(`Bearer ${other}`, 'c')).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    expect(live.checked).toHaveLength(0);
    const revoked = setup(false);
    await expect(
      revoked.bearer.authenticate(`Bearer ${revoked.tokens.signAccess(USER)}`, 'c'),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(revoked.bearer.requireLive(USER)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(live.bearer.requireLive(USER)).resolves.toBeUndefined();
  });
});
