import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

import { IS_PUBLIC } from '../../src/auth/decorators/public.decorator';
import { REQUIRED_PERMISSION } from '../../src/auth/decorators/require-permission.decorator';
import { Permission } from '../../src/auth/permissions';
import { createTestApp, TestApp } from '../setup/create-test-app';

interface Route {
  route: string;
  isPublic: boolean;
  permission?: string;
}

/** Every handler of every controller registered in the app, with its access declaration. */
function registeredRoutes(t: TestApp): Route[] {
  const routes: Route[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as new (...args: unknown[]) => unknown;
      const base = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        routes.push({
          route: `${method} /${base}/${Reflect.getMetadata(PATH_METADATA, handler)}`.replace(/\/+/g, '/'),
          isPublic: Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, controller) ?? false,
          permission: Reflect.getMetadata(REQUIRED_PERMISSION, handler) ?? Reflect.getMetadata(REQUIRED_PERMISSION, controller),
        });
      }
    }
  }
  return routes;
}

describe('route access declarations (deny by default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('should find the routes of the app', () => {
    const routes = registeredRoutes(t).map((r) => r.route);
    expect(routes).toEqual(expect.arrayContaining(['POST /api/v1/auth/login', 'GET /api/v1/me', 'GET /api/v1/audit-events/verify']));
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
});
