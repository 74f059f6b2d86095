/** `npm run test:unit`: the unit tests (*.spec.ts), which need no Postgres or Redis. */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/src'],
  testRegex: '.*\\.spec\\.ts$',
  globalSetup: undefined,
};
