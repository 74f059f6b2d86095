// The @nestjs/swagger CLI plugin for ts-jest: `nest build` runs it (nest-cli.json), so the DTOs
// declare only what it cannot derive from their types and class-validator decorators. Without it
// the document served under Jest (/openapi.yaml, /docs) would lack every derived property. The
// plugin needs the type checker, so jest.config.js compiles only the DTO files this way (the rest
// stays on the fast per-file transpiler).
const { before } = require('@nestjs/swagger/plugin');
const swaggerVersion = require('@nestjs/swagger/package.json').version;

const nestCli = require('../../nest-cli.json');

const plugin = nestCli.compilerOptions.plugins.find((p) => p.name === '@nestjs/swagger');

module.exports = {
  name: 'nestjs-swagger-plugin',
  // Part of ts-jest's cache key: a new plugin version or new options recompile the DTOs.
  version: `${swaggerVersion}:${JSON.stringify(plugin.options)}`,
  factory: (compiler) => before({ ...plugin.options }, compiler.program),
};
