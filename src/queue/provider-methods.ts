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
 * Every method of every provider of the process, for the start-up discovery of decorated methods
 * (job handlers, periodic work). Request-scoped providers are left out: they have no instance to
 * call at start-up, and no worker code is one.
 */
export function providerMethods(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
): ProviderMethod[] {
  const methods: ProviderMethod[] = [];
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
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
