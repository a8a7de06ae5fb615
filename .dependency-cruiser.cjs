/**
 * The import rules of docs/adr/0001-architecture.md ("Parts and import directions"), enforced in `npm test`. Each
 * rule name appears in that ADR (a test checks it), and a test feeds each rule an import that breaks it.
 */
const ours = "contracts|anonymise|schemas|topology|sinks|ops|app|dev|bench|tests|privacy-eval";
const production = "contracts|anonymise|schemas|topology|sinks|ops|app";

module.exports = {
  forbidden: [
    {
      name: "contracts-are-a-leaf",
      comment:
        "contracts/ (error base class, catalogue, store records) is shared by every part and imports none.",
      severity: "error",
      from: { path: "^contracts/" },
      to: { path: `^(${ours})/`, pathNot: "^contracts/" },
    },
    {
      name: "anonymise-is-pure",
      comment: "anonymise/ is the privacy engine: pure functions; of ours it may use contracts/ only.",
      severity: "error",
      from: { path: "^anonymise/" },
      to: { path: `^(${ours})/`, pathNot: "^(contracts|anonymise)/" },
    },
    {
      name: "no-node-builtins-in-anonymise",
      comment:
        "The engine does no I/O: of Node's modules only node:crypto is allowed (the gazetteer has its own rule).",
      severity: "error",
      from: { path: "^anonymise/", pathNot: "^anonymise/text/gazetteer\\.ts$" },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?crypto$" },
    },
    {
      name: "gazetteer-reads-package-data-only",
      comment:
        "The name gazetteer reads its packages' lists once, on first use (node:fs, node:module); nothing else.",
      severity: "error",
      from: { path: "^anonymise/text/gazetteer\\.ts$" },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?(fs|module)$" },
    },
    {
      name: "dsl-is-generic",
      comment: "The topology DSL and runtime know nothing about patients, schemas, sinks or the application.",
      severity: "error",
      from: { path: "^topology/(dsl|runtime)/" },
      to: { path: "^(anonymise|schemas|sinks|ops|app|dev|topology/patient)/" },
    },
    {
      name: "schemas-and-sinks-know-no-pipeline",
      comment:
        "schemas/ and sinks/ are used by the pipeline; they import neither the topology nor ops/app/dev.",
      severity: "error",
      from: { path: "^(schemas|sinks)/" },
      to: { path: "^(topology|anonymise|ops|app|dev)/" },
    },
    {
      name: "schemas-know-no-sinks",
      severity: "error",
      from: { path: "^schemas/" },
      to: { path: "^sinks/" },
    },
    {
      name: "ops-serves-the-app",
      comment:
        "ops/ (config, logging, metrics, health, Kafka admin) runs beside the pipeline; it does not wire it.",
      severity: "error",
      from: { path: "^ops/" },
      to: { path: "^(app|sinks|schemas)/" },
    },
    {
      name: "production-never-imports-dev",
      comment:
        "Nothing that ships in the image imports developer tooling, benchmarks, tests or the evaluation harness.",
      severity: "error",
      from: { path: `^(${production})/` },
      to: { path: "^(dev|bench|tests|privacy-eval)/" },
    },
    {
      name: "only-app-wires",
      comment: "app/ is the composition root and the commands; no library part imports it.",
      severity: "error",
      from: { path: "^(contracts|anonymise|schemas|topology|sinks|ops)/" },
      to: { path: "^app/" },
    },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsPreCompilationDeps: true,
    // TypeScript 7 has no compiler API for dependency-cruiser yet; swc parses the .ts files instead.
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mjs", ".js", ".json"] },
  },
};
