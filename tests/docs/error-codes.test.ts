import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CodedError, ERROR_CODES } from "../../contracts/index.ts";
import { RUNBOOK, renderCodesTable, runbookCodesTable } from "../../dev/docs/error-codes-table.ts";

describe("the error catalogue and the runbook", () => {
  const runbook = readFileSync(RUNBOOK, "utf8");

  it("lists every code of the catalogue in docs/runbook.md, as generated (run `npm run docs:codes` after a change)", () => {
    expect(runbookCodesTable(runbook)).toBe(renderCodesTable());
    for (const code of Object.keys(ERROR_CODES)) expect(runbook).toContain(`\`${code}\``);
  });

  it("gives every code a class and a runbook sentence", () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(["transient", "permanent"], code).toContain(info.class);
      expect(info.runbook.length, code).toBeGreaterThan(20);
    }
  });

  it("takes an error's class from the catalogue", () => {
    expect(new CodedError("SINK_UNAVAILABLE", "x").transient).toBe(true);
    expect(new CodedError("ANON_VALUE_INVALID", "x").permanent).toBe(true);
    // A topology's own code, not in the catalogue: permanent unless said otherwise (fail closed).
    expect(new CodedError("MY_TOPOLOGY_CODE", "x").permanent).toBe(true);
    expect(new CodedError("MY_TOPOLOGY_CODE", "x", { class: "transient" }).transient).toBe(true);
  });
});
