/**
 * The sandbox's seeding module: one place that builds a GitHub world (organization, repository, people,
 * Apps, pull requests, commits) for the tests, the benchmarks and the demo. Each file seeds one kind of
 * thing through the GitHub contract its header names.
 */
export * from "./world.js";
export * from "./people.js";
export * from "./apps.js";
export * from "./pulls.js";
export * from "./commits.js";
