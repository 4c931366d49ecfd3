// Three projects: unit specs beside the code, integration specs against real
// services, end-to-end specs in test/. `npm test` runs all of them in one band.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs', ignoreDynamic: true },
  },
];
const moduleNameMapper = {
  '^@app/(contracts|domain|storage|transport|config|observability|testing|incidents)$': '<rootDir>/libs/$1/src',
  '^@app/(contracts|domain|storage|transport|config|observability|testing|incidents)/(.*)$': '<rootDir>/libs/$1/src/$2',
  '^@app/(ingest|risk-engine|dispatch|command-center|all-in-one)$': '<rootDir>/apps/$1/src',
};
const common = { rootDir: __dirname, transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  testTimeout: 60000,
  globalSetup: '<rootDir>/libs/testing/jest/global-setup.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,simulators}/**/*.spec.ts', '<rootDir>/deploy/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.integration-spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/jest/e2e-setup.js',
    },
  ],
};
