import request from 'supertest';

import { IS_PUBLIC } from '../../src/auth/decorators/public.decorator';
import { REQUIRED_PERMISSION } from '../../src/auth/decorators/require-permission.decorator';
import { Permission } from '../../src/auth/permissions';
import { registeredRoutes as serverRoutes } from '../../src/bootstrap/http-setup';
import { QUEUE_DASHBOARD_PATH } from '../../src/queue/queue-dashboard.service';
import { createTestOrg } from '../factories/people.factory';
import { controllerHandlers } from '../helpers/controller-handlers';
import { configureQueueOperator, createQueueOperator } from '../helpers/queue-dashboard';
import { createTestApp, TestApp } from '../setup/create-test-app';

interface Route {
  route: string;
  isPublic: boolean;
  permission?: string;
}

const withoutTrailingSlash = (route: string) => route.replace(/(.)\/$/, '$1');

/** Routes the HTTP server serves that no Nest controller declares (plugins on Fastify), HEAD aside. */
function directRoutes(t: TestApp): { method: string; url: string }[] {
  const nest = new Set(registeredRoutes(t).map((r) => withoutTrailingSlash(r.route)));
  return serverRoutes(t.app).filter(
    (r) => r.method !== 'HEAD' && !nest.has(withoutTrailingSlash(`${r.method} ${r.url}`)),
  );
}

/** Every handler of every controller registered in the app, with its access declaration. */
function registeredRoutes(t: TestApp): Route[] {
  return controllerHandlers(t.app).map(({ route, controller, handler }) => ({
    route,
    isPublic:
      Reflect.getMetadata(IS_PUBLIC, handler) ??
      Reflect.getMetadata(IS_PUBLIC, controller) ??
      false,
    permission:
      Reflect.getMetadata(REQUIRED_PERMISSION, handler) ??
      Reflect.getMetadata(REQUIRED_PERMISSION, controller),
  }));
}

const DASHBOARD_SIGN_IN = `${QUEUE_DASHBOARD_PATH}/auth/`;

describe('route access declarations (deny by default)', () => {
  let t: TestApp;
  const operatorId = configureQueueOperator();
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('should find the routes of the app', () => {
    const routes = registeredRoutes(t).map((r) => r.route);
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'GET /api/v1/me',
        'GET /api/v1/audit-events/verify',
      ]),
    );
  });

  it('should declare @Public() or a known permission on every route', () => {
    const known = new Set<string>(Object.values(Permission));
    const undeclared = registeredRoutes(t)
      .filter((r) => !r.isPublic && !(r.permission && known.has(r.permission)))
      .map((r) => r.route);
    expect(undeclared).toEqual([]);
  });

  it('should keep the public routes to the ones meant to be public', () => {
    const publicRoutes = registeredRoutes(t)
      .filter((r) => r.isPublic)
      .map((r) => r.route)
      .sort();
    expect(publicRoutes).toEqual(
      [
        'GET /fhir/metadata',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics/',
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/logout',
        'POST /api/v1/auth/refresh',
        'POST /oauth/token',
      ].sort(),
    );
  });

  it('should serve nothing beside the controllers but the public API docs and the operators-only queue dashboard', () => {
    const outsideDashboard = directRoutes(t)
      .filter((r) => !r.url.startsWith(QUEUE_DASHBOARD_PATH))
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(outsideDashboard).toEqual(
      [
        'GET /docs',
        'GET /docs/',
        'GET /docs/*',
        'GET /docs/LICENSE',
        'GET /docs/docs/swagger-ui-init.js',
        'GET /docs/index.html',
        'GET /docs/swagger-ui-init.js',
        'GET /openapi.json',
        'GET /openapi.yaml',
      ].sort(),
    );
  });

  it("should keep the queue dashboard's public routes to its sign-in and sign-out pages", () => {
    const signIn = directRoutes(t)
      .filter((r) => r.url.startsWith(DASHBOARD_SIGN_IN))
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(signIn).toEqual(
      [
        'GET /admin/queues/auth/sign-in',
        'POST /admin/queues/auth/sign-in',
        'GET /admin/queues/auth/sign-out',
        'POST /admin/queues/auth/sign-out',
      ].sort(),
    );
  });

  it('should refuse every other queue dashboard route without a token (401), to every organization role (403), and any change to an operator (405)', async () => {
    const org = await createTestOrg(t.app);
    const operator = await createQueueOperator(t.app, operatorId);
    const dashboard = directRoutes(t).filter(
      (r) => r.url.startsWith(QUEUE_DASHBOARD_PATH) && !r.url.startsWith(DASHBOARD_SIGN_IN),
    );
    expect(dashboard.length).toBeGreaterThan(10);
    const http = () => request(t.app.getHttpServer());
    const call = (method: string, url: string) =>
      http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch'](url);
    for (const { method, url } of dashboard) {
      const path = url.replace(':queueName', 'follow-ups').replace(/:[A-Za-z]+/g, 'x');
      const anonymous = await call(method, path);
      const statuses = [anonymous.status];
      for (const user of [org.peerA1, org.supervisorA, org.admin]) {
        statuses.push((await call(method, path).auth(user.token, { type: 'bearer' })).status);
      }
      expect([`${method} ${url}`, ...statuses]).toEqual([`${method} ${url}`, 401, 403, 403, 403]);
      if (method !== 'GET') {
        const change = await call(method, path).auth(operator.token, { type: 'bearer' }).send({});
        expect([`${method} ${url}`, change.status, change.body.code]).toEqual([
          `${method} ${url}`,
          405,
          'METHOD_NOT_ALLOWED',
        ]);
      }
    }
  });
});
