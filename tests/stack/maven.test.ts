import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

/** Maven stood in for: copy-dependencies writes one jar into the work folder's libs, after a short wait. */
const calls: string[] = [];
vi.mock("../../dev/stack/processes.ts", () => ({
  run: vi.fn(async (_command: string, args: string[], options: { cwd?: string }) => {
    if (!args.some((a) => a.endsWith(":copy-dependencies"))) return;
    calls.push(options.cwd as string);
    await new Promise((resolve) => setTimeout(resolve, 30));
    mkdirSync(join(options.cwd as string, "libs"), { recursive: true });
    writeFileSync(join(options.cwd as string, "libs", "tool.jar"), "jar");
  }),
}));

const { fetchClasspath } = await import("../../dev/stack/maven.ts");
const artifacts = [{ groupId: "org.example", artifactId: "tool", version: "1" }];

describe("fetchClasspath", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    calls.length = 0;
  });
  const cache = () => {
    const d = mkdtempSync(join(tmpdir(), "maven-test-"));
    dirs.push(d);
    return d;
  };

  it("callers in one process share one fetch, and the folder appears complete with no work folder left", async () => {
    const root = cache();
    const target = join(root, "tools");
    await Promise.all([
      fetchClasspath(target, artifacts),
      fetchClasspath(target, artifacts),
      fetchClasspath(target, artifacts),
    ]);
    expect(calls).toHaveLength(1);
    expect(readdirSync(join(target, "libs"))).toEqual(["tool.jar"]);
    expect(existsSync(join(target, ".complete"))).toBe(true);
    expect(readdirSync(root)).toEqual(["tools"]);
    // Complete: later calls fetch nothing.
    await fetchClasspath(target, artifacts);
    expect(calls).toHaveLength(1);
  });

  it("keeps a complete folder another process put in place while this one fetched", async () => {
    const root = cache();
    const target = join(root, "tools");
    const fetching = fetchClasspath(target, artifacts);
    // The other process finishes first; its folder may already be in use.
    mkdirSync(join(target, "libs"), { recursive: true });
    writeFileSync(join(target, "libs", "theirs.jar"), "jar");
    writeFileSync(join(target, ".complete"), "");
    await fetching;
    expect(readdirSync(join(target, "libs"))).toEqual(["theirs.jar"]);
    expect(readdirSync(root)).toEqual(["tools"]);
  });
});
