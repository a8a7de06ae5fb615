import { describe, expect, it } from "vitest";
import { missingNodeOptions, PIPELINE_NODE_OPTIONS } from "../../app/node-options.ts";

describe("missingNodeOptions", () => {
  it("finds the pipeline's options on node's command line or in NODE_OPTIONS", () => {
    expect(missingNodeOptions([...PIPELINE_NODE_OPTIONS], undefined)).toEqual([]);
    expect(
      missingNodeOptions(
        ["--env-file-if-exists=.env"],
        `--disable-warning=X ${PIPELINE_NODE_OPTIONS.join(" ")}`,
      ),
    ).toEqual([]);
  });

  it("names every option given in neither place", () => {
    expect(missingNodeOptions([], undefined)).toEqual([...PIPELINE_NODE_OPTIONS]);
    expect(missingNodeOptions(["--inspect"], "--disable-warning=ExperimentalWarning")).toEqual([
      ...PIPELINE_NODE_OPTIONS,
    ]);
  });

  it("takes an option's value written after a space", () => {
    const spaced = PIPELINE_NODE_OPTIONS.flatMap((o) => o.split("="));
    expect(missingNodeOptions(spaced, undefined)).toEqual([]);
    expect(missingNodeOptions([], spaced.join(" "))).toEqual([]);
  });

  it("does not take another value of an option for it", () => {
    const other = PIPELINE_NODE_OPTIONS.map((o) => o.replace(/=.*$/, "=4"));
    expect(missingNodeOptions(other, other.join(" "))).toEqual([...PIPELINE_NODE_OPTIONS]);
  });
});
