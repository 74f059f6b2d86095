/** One runner for unit (*.spec.ts), integration (*.int-spec.ts) and e2e (*.e2e-spec.ts) tests. */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // ts-jest, with the @nestjs/swagger plugin on the DTO files like `nest build` (see the file).
  transform: { '^.+\\.ts$': '<rootDir>/test/setup/ts-transformer.js' },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  setupFiles: ['<rootDir>/test/setup/test-env.ts', '<rootDir>/test/setup/websocket-stub.ts'],
  // @bull-board/fastify pulls an ESM-only content-disposition that Jest cannot require (see the shim).
  moduleNameMapper: { '^content-disposition$': '<rootDir>/test/setup/content-disposition.js' },
  testTimeout: 30000,
  // A handle a test leaves open (a reconnecting client) must not keep CI waiting past the results.
  forceExit: true,
};
