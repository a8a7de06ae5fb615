import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const require = createRequire(import.meta.url);
const rules = (require(join(ROOT, ".dependency-cruiser.cjs")) as { forbidden: Array<{ name: string }> })
  .forbidden;

/** One import that breaks each rule: [rule, importing file, imported file (or node module)]. */
const PROBES: Array<[string, string, string]> = [
  ["contracts-are-a-leaf", "contracts/probe.ts", "anonymise/target.ts"],
  ["anonymise-is-pure", "anonymise/probe.ts", "schemas/target.ts"],
  ["no-node-builtins-in-anonymise", "anonymise/probe-fs.ts", "node:fs"],
  ["gazetteer-reads-package-data-only", "anonymise/text/gazetteer.ts", "node:net"],
  ["dsl-is-generic", "topology/runtime/probe.ts", "topology/patient/target.ts"],
  ["schemas-and-sinks-know-no-pipeline", "sinks/probe.ts", "topology/dsl/target.ts"],
  ["schemas-know-no-sinks", "schemas/probe.ts", "sinks/target.ts"],
  ["ops-serves-the-app", "ops/probe.ts", "app/target.ts"],
  ["production-never-imports-dev", "app/probe.ts", "dev/target.ts"],
  ["only-app-wires", "topology/patient/probe.ts", "app/target2.ts"],
];

function spec(from: string, to: string): string {
  if (to.startsWith("node:")) return to;
  let rel =
    join(
      ...dirname(from)
        .split("/")
        .map(() => ".."),
    ) +
    "/" +
    to;
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel;
}

describe("the architecture (docs/adr/0001-architecture.md) is what the boundary check enforces", () => {
  const dir = mkdtempSync(join(tmpdir(), "boundaries-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names every rule of .dependency-cruiser.cjs in ADR 0001", () => {
    const adr = readFileSync(join(ROOT, "docs", "adr", "0001-architecture.md"), "utf8");
    for (const rule of rules) expect(adr, rule.name).toContain(`\`${rule.name}\``);
  });

  it("fails the check for an import that breaks each rule", () => {
    copyFileSync(join(ROOT, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
    copyFileSync(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
    for (const [, from, to] of PROBES) {
      for (const file of [from, to.startsWith("node:") ? undefined : to]) {
        if (!file) continue;
        mkdirSync(join(dir, dirname(file)), { recursive: true });
      }
      if (!to.startsWith("node:")) writeFileSync(join(dir, to), "export const target = 1;\n");
      writeFileSync(
        join(dir, from),
        `import * as probe from "${spec(from, to)}";\nexport const used = probe;\n`,
      );
    }
    let output = "";
    try {
      execFileSync(
        join(ROOT, "node_modules", ".bin", "depcruise"),
        [
          "--config",
          ".dependency-cruiser.cjs",
          "contracts",
          "anonymise",
          "topology",
          "sinks",
          "schemas",
          "ops",
          "app",
        ],
        {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env["PATH"]}` },
        },
      );
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? "");
    }
    for (const [rule, from] of PROBES) expect(output, rule).toContain(`${rule}: ${from}`);
    // Every rule but the cycle rule has a probe.
    expect(new Set(PROBES.map((p) => p[0]))).toEqual(
      new Set(rules.map((r) => r.name).filter((n) => n !== "no-circular")),
    );
  });
});
