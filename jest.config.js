/** npm test: everything under test/ except the conformance suite (its own command). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/conformance/', '/test/warehouses/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
  // A unit test gets 30 s; a file whose tests start processes or run dbt sets its own timeout at its top.
  testTimeout: 30_000,
};
