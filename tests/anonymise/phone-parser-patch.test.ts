import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// The phone-number parser is patched (patches/libphonenumber-js+1.13.16.patch, docs/adr/0008-patched-phone-parser.md):
// its helper that tests a number against a metadata pattern keeps one compiled expression per pattern. These tests
// hold the patched helper, in every build the package ships, to what the published one computes: a fresh
// expression on every call.

const packageDir = dirname(createRequire(import.meta.url).resolve("libphonenumber-js/package.json"));
const BUILDS = ["es6", "es6-modern", "build"] as const;

type Helper = (text: string | undefined, pattern: string) => boolean;

async function helperOf(build: (typeof BUILDS)[number]): Promise<Helper> {
  const url = pathToFileURL(join(packageDir, build, "helpers", "matchesEntirely.js")).href;
  const module = (await import(url)) as { default: Helper | { default: Helper } };
  const exported = module.default;
  return typeof exported === "function" ? exported : exported.default;
}

/** The expression the published helper builds on every call. */
function publishedExpression(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** Every string of the bundled metadata that compiles as a pattern: number patterns, leading digits, formats. */
function metadataPatterns(): string[] {
  const metadata = JSON.parse(readFileSync(join(packageDir, "metadata.max.json"), "utf8")) as unknown;
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      try {
        publishedExpression(v);
        out.add(v);
      } catch {
        // Not a pattern (a template such as "$1 $2" that does not compile): nothing to compare.
      }
    } else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  walk(metadata);
  return [...out];
}

/** National numbers of every length a pattern may take, deterministic: repeated, counting and mixed digits. */
function sampleNumbers(): string[] {
  const out: string[] = ["", "0", "44"];
  for (let n = 2; n <= 17; n++) {
    out.push("0".repeat(n), "1234567890123456789".slice(0, n), "7700900123456789".slice(0, n));
    out.push(...fc.sample(fc.stringMatching(new RegExp(`^[0-9]{${n}}$`)), { seed: n, numRuns: 4 }));
  }
  return out;
}

describe("the patched phone-number parser helper", () => {
  const patterns = metadataPatterns();
  const numbers = sampleNumbers();

  it("finds the metadata's patterns to compare against", () => {
    expect(patterns.length).toBeGreaterThan(1000);
  });

  for (const build of BUILDS) {
    it(`gives the published helper's answer for every metadata pattern and number (${build}), twice over`, async () => {
      const helper = await helperOf(build);
      let differing = 0;
      // The second pass finds every expression compiled already: its answers must not depend on earlier calls.
      for (let pass = 0; pass < 2; pass++)
        for (const pattern of patterns) {
          const fresh = publishedExpression(pattern);
          for (const number of numbers) if (helper(number, pattern) !== fresh.test(number)) differing++;
        }
      expect(differing).toBe(0);
    });
  }

  it("agrees with the published helper on any digits, patterns drawn in any order", async () => {
    const helper = await helperOf("es6");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...patterns), fc.stringMatching(/^[0-9]{0,17}$/)), {
          maxLength: 50,
        }),
        (calls) => {
          for (const [pattern, number] of calls)
            expect(helper(number, pattern)).toBe(publishedExpression(pattern).test(number));
        },
      ),
    );
  });

  it("treats a missing number as an empty one, as published", async () => {
    const helper = await helperOf("es6");
    expect(helper(undefined, "\\d*")).toBe(true);
    expect(helper(undefined, "\\d+")).toBe(false);
  });
});
