/** npm run test:warehouses: every target on its local engine (fakesnow, Spark + Delta, BigQuery path). */
module.exports = {
  ...require('./jest.config.js'),
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/test/warehouses/**/*.test.ts'],
  // each test starts a warehouse engine or runs dbt on one (Spark takes minutes per run)
  testTimeout: 30 * 60_000,
};
