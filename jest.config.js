/** Jest runs in native ESM mode (see package.json "jest" script); swc strips the types. */
export default {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: {
          target: "es2022",
          parser: { syntax: "typescript" },
          experimental: { keepImportAttributes: true },
        },
      },
    ],
  },
  setupFiles: ["<rootDir>/test/setup.ts"],
  collectCoverageFrom: [
    "src/policy/**/*.ts",
    "src/readiness/**/*.ts",
    "src/approvals/**/*.ts",
    "src/rollout/**/*.ts",
  ],
  coverageThreshold: { global: { lines: 95, branches: 90 } },
  coverageReporters: ["text-summary", "lcov"],
};
