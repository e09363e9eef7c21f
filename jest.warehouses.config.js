/** npm run test:warehouses: every target on its local engine (fakesnow, Spark + Delta, BigQuery path). */
module.exports = {
  ...require('./jest.config.js'),
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/test/warehouses/**/*.test.ts'],
};
