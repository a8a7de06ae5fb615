import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../ops/config.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  scripts: Record<string, string>;
};

describe("README, the front door, matches the code", () => {
  it("shows the two set-up commands", () => {
    expect(readme).toContain("npm ci && npm run demo");
    expect(readme).toContain("npm ci && npm test");
  });

  it("documents every configuration setting the code reads", () => {
    for (const setting of Object.values(SETTINGS)) expect(readme).toContain(`\`${setting.name}\``);
  });

  it("names only npm scripts that exist", () => {
    const named = [...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    for (const script of named) expect(Object.keys(packageJson.scripts)).toContain(script);
  });
});
