/** Jest runs in native ESM mode (see package.json "jest" script); swc strips the types. */

// The one setting every time limit derives from (test/support/timeouts.ts reads the same variable):
// no test runs under jest's 5 s default, which a busy machine can exceed while a server starts.
const scale = Number(process.env.TOLLGATE_TEST_TIME_SCALE || "1");

export default {
  testTimeout: 60_000 * (Number.isFinite(scale) && scale > 0 ? scale : 1),
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
    "src/stats/**/*.ts",
    "src/records/**/*.ts",
  ],
  coverageThreshold: { global: { lines: 95, branches: 90 } },
  coverageReporters: ["text-summary", "lcov"],
};
