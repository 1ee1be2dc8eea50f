// Three suites: unit (pure, fast, next to the code), integration (real etcd/NATS/registry/
// runtimes started by the test itself, files named *.int.test.ts), e2e (multi-node clusters).
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{lib,services,agent,cli,cmd}/**/*.test.ts'], testPathIgnorePatterns: ['\\.int\\.test\\.ts$'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{lib,services,agent,cli,cmd,charts,scripts}/**/*.int.test.ts'], globalSetup: '<rootDir>/jest.global-setup.js' },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.test.ts'], globalSetup: '<rootDir>/jest.global-setup.js' },
  ],
};
