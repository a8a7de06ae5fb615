import { describe, expect, it } from "vitest";
import { postgresHome, SERVICE_ROOT } from "../../dev/stack/postgres-local.ts";
import { run } from "../../dev/stack/processes.ts";

describe("the local stack's one-off commands have a deadline", () => {
  it("a command running past its deadline is killed with STACK_START_FAILED", async () => {
    const started = Date.now();
    await expect(run("sleep", ["30"], { what: "sleep 30", timeoutMs: 200 })).rejects.toMatchObject({
      code: "STACK_START_FAILED",
      message: expect.stringMatching(/sleep 30 did not finish within 0.2 s and was killed/),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("where PostgreSQL keeps a stack's data", () => {
  it("run as the service user: below the shared root, one folder per state directory", () => {
    const a = postgresHome("/root/checkout/.stack", true);
    expect(a.startsWith(`${SERVICE_ROOT}/postgres-`)).toBe(true);
    expect(postgresHome("/root/checkout/.stack/", true)).toBe(a);
    expect(postgresHome("/root/other/.stack", true)).not.toBe(a);
  });

  it("run as the invoking user: inside the state directory, as before", () => {
    expect(postgresHome("/home/dev/checkout/.stack", false)).toBe("/home/dev/checkout/.stack/postgres");
  });
});
