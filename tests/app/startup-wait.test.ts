import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function get(
  port: number,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

describe("start-up with the broker away", () => {
  it("waits (live, not ready, Kafka named) instead of exiting, and stops cleanly on SIGTERM", async () => {
    const [kafka, registry, db, http] = await Promise.all([
      closedPort(),
      closedPort(),
      closedPort(),
      closedPort(),
    ]);
    const child = spawn(process.execPath, ["app/main.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${kafka}`,
        SCHEMA_REGISTRY_URL: `http://127.0.0.1:${registry}`,
        DATABASE_URL: `postgres://nobody@127.0.0.1:${db}/none`,
        KEYRING_FILE: join(ROOT, "tests", "fixtures", "keyring.json"),
        HTTP_PORT: String(http),
        RETRY_MAX_MS: "500",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      let ready: Awaited<ReturnType<typeof get>>;
      const deadline = Date.now() + 60_000;
      for (;;) {
        ready = await get(http, "/health/ready");
        if (ready && output.includes('"startup.waiting"')) break;
        if (Date.now() > deadline)
          throw new Error(`no readiness answer while waiting:\n${output.slice(-2_000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await get(http, "/health/live"))?.status).toBe(200);
      expect(ready?.status).toBe(503);
      expect(ready?.body["checks"]).toMatchObject({ running: false, kafka: false });
      // Still waiting a few seconds later: not given up.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(child.exitCode).toBeNull();
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output).toMatch(/"pipeline.stopped"/);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 90_000);
});
