// Jest's TypeScript transform: ts-jest's fast per-file transpiler for every file, except the DTO
// files the @nestjs/swagger plugin rewrites in `nest build` (nest-cli.json). Those go through the
// plugin too (swagger-plugin.js), with the type-checked compiler it needs, so the document served
// under Jest (/openapi.yaml, /docs) is the one `npm run openapi` writes.
//
// Two ts-jest entries in jest.config.js `transform` would not do: ts-jest keeps one compiler per
// Jest project config, whatever the options, so the first file compiled would pick it for all.
// The DTO compiler is looked up under a copy of the config marked as its own.
const { join } = require('node:path');

const { TsJestTransformer } = require('ts-jest');

const { compilerOptions } = require('../../nest-cli.json');

const swagger = compilerOptions.plugins.find((p) => p.name === '@nestjs/swagger').options;
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const DTO_FILE = new RegExp(`(${swagger.dtoFileNameSuffix.map(escape).join('|')})$`);

const plain = new TsJestTransformer({ diagnostics: false });
const dto = new TsJestTransformer({
  diagnostics: false,
  tsconfig: { isolatedModules: false },
  astTransformers: { before: [join(__dirname, 'swagger-plugin.js')] },
});
const dtoConfigs = new WeakMap();

/** The transformer for the file, and the options to call it with. */
function pick(path, options) {
  if (!DTO_FILE.test(path)) return [plain, options];
  let config = dtoConfigs.get(options.config);
  if (!config) {
    config = { ...options.config, tsJestSwaggerPlugin: true };
    dtoConfigs.set(options.config, config);
  }
  return [dto, { ...options, config }];
}

module.exports = {
  process(source, path, options) {
    const [transformer, opts] = pick(path, options);
    return transformer.process(source, path, opts);
  },
  getCacheKey(source, path, options) {
    const [transformer, opts] = pick(path, options);
    return transformer.getCacheKey(source, path, opts);
  },
};
