/** Import direction (docs/adr/0001-architecture.md): data flows one way and the folders show it. */
module.exports = {
  forbidden: [
    {
      name: "anonymise-is-pure",
      comment: "anonymise/ is the privacy engine: pure functions, no imports of other project folders.",
      severity: "error",
      from: { path: "^anonymise/" },
      to: { path: "^(topology|schemas|sinks|ops|bench|tests|privacy-eval)/" },
    },
    {
      name: "dsl-is-generic",
      comment: "The topology DSL and runtime know nothing about patients or the rest of the app.",
      severity: "error",
      from: { path: "^topology/(dsl|runtime)/" },
      to: { path: "^(anonymise|schemas|sinks|ops|topology/patient)/" },
    },
    {
      name: "sinks-and-schemas-do-not-know-topology",
      severity: "error",
      from: { path: "^(sinks|schemas)/" },
      to: { path: "^topology/" },
    },
    {
      name: "library-code-does-not-import-ops-wiring",
      comment: "Only entry points (ops/cli, ops/main) wire everything together; nothing imports them.",
      severity: "error",
      from: { path: "^(anonymise|topology|schemas|sinks)/" },
      to: { path: "^ops/(cli|main|demo)" },
    },
    {
      name: "no-node-builtins-in-anonymise",
      comment: "The engine does no I/O: only node:crypto is allowed.",
      severity: "error",
      from: { path: "^anonymise/" },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?crypto$" },
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
