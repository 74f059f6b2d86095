import { Global, Module } from '@nestjs/common';

import { Config, loadConfig } from './configuration';

export const CONFIG = Symbol('CONFIG');

@Global()
@Module({
  providers: [{ provide: CONFIG, useFactory: (): Config => loadConfig() }],
  exports: [CONFIG],
})
export class AppConfigModule {}
