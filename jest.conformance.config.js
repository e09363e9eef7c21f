/** npm run test:conformance: the reference engine's published test data (../shared/conformance). */
module.exports = {
  ...require('./jest.config.js'),
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
  // each test runs dbt over the reference data
  testTimeout: 10 * 60_000,
};
