/** Jest runs the TypeScript sources through ts-jest; `npm test` type-checks everything first (tsc --noEmit). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Browser-ready ES modules (src/client/) import siblings as './x.js'; jest finds './x.ts' without the extension.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // onnxruntime-node checks `instanceof Float32Array`; jest's per-test realms break that (jest#11864).
  setupFiles: ['<rootDir>/tests/setup-typed-arrays.js'],
  testTimeout: 60000,
  maxWorkers: 2,
};
