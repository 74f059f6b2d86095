import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

export interface ControllerHandler {
  /** `GET /api/v1/clients/:id`, as the controller declares it (a path of '' keeps its slash). */
  route: string;
  controller: new (...args: unknown[]) => unknown;
  handler: (...args: unknown[]) => unknown;
  /** The handler's parameter types (design:paramtypes). */
  paramTypes: unknown[];
}

/** Every route handler of every controller registered in the app. */
export function controllerHandlers(app: INestApplication): ControllerHandler[] {
  const handlers: ControllerHandler[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as new (...args: unknown[]) => unknown;
      const base = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler);
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        handlers.push({
          route: `${method} /${base}/${path}`.replace(/\/+/g, '/'),
          controller,
          handler: handler as (...args: unknown[]) => unknown,
          paramTypes: Reflect.getMetadata('design:paramtypes', proto, name) ?? [],
        });
      }
    }
  }
  return handlers;
}
