import type { DiscoveryService, MetadataScanner } from '@nestjs/core';

export interface ProviderMethod {
  /** The method, bound to its provider. */
  call: (...args: never[]) => unknown;
  /** The unbound method, which carries its decorators' metadata. */
  method: unknown;
  /** `Class.method`, for messages. */
  where: string;
}

/**
 * Every method of every class provider of the process, for the start-up discovery of decorated
 * methods (job handlers, periodic work). Values and factories' products (connections, queues)
 * are not looked into, nor request-scoped providers: they have no instance to call at start-up,
 * and no worker code is one.
 */
export function providerMethods(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
): ProviderMethod[] {
  const methods: ProviderMethod[] = [];
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    const isClass = typeof wrapper.metatype === 'function' && !wrapper.inject;
    if (!isClass || !instance || typeof instance !== 'object') continue;
    if (!wrapper.isDependencyTreeStatic()) continue;
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const key of scanner.getAllMethodNames(prototype)) {
      const method = prototype[key];
      if (typeof method !== 'function') continue;
      methods.push({
        call: method.bind(instance),
        method,
        where: `${instance.constructor.name}.${key}`,
      });
    }
  }
  return methods;
}
