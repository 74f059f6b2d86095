/**
 * `npm run test:topology`: the end-to-end smoke and failover cases against the running test
 * topology (`npm run topology:up`), through its load balancer. Not part of `npm test`.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/topology'],
  testRegex: '.*\\.topology-spec\\.ts$',
  globalSetup: undefined,
  setupFiles: [],
  testTimeout: 120000,
};
