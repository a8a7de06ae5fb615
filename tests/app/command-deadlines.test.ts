import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeRegistry, type StandIn, silentServer } from "../support/stand-ins.ts";

/**
 * The real commands, spawned as a user runs them (`npm run …`), against stand-ins that accept connections and never
 * answer: each must end on its own with its coded error and exit code 1. The deadlines are shortened through their
 * settings (REGISTRY_TIMEOUT_MS, KAFKA_ADMIN_TIMEOUT_MS) to keep the test cheap; the bound asserted is only "it
 * returned at all", far above what the deadlines allow and far below a hang.
 */
const ROOT = resolve(import.meta.dirname, "..", "..");
const RETURNED = 60_000;

interface Outcome {
  code: number | null;
  stderr: string;
  stdout: string;
  ms: number;
}

function runCommand(script: string, env: Record<string, string>, args: string[] = []): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolveOutcome) => {
    const child = spawn("npm", ["run", "-s", script, ...(args.length ? ["--", ...args] : [])], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), RETURNED);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolveOutcome({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe("every command ends with a coded error when its servers accept connections and never answer", () => {
  let broker: StandIn;
  let registry: Awaited<ReturnType<typeof fakeRegistry>>;
  let answeringRegistry: Awaited<ReturnType<typeof fakeRegistry>>;
  let envDir: string;
  let base: Record<string, string>;
  const outcomes = new Map<string, Promise<Outcome>>();

  beforeAll(async () => {
    broker = await silentServer();
    registry = await fakeRegistry(() => undefined);
    // Answers the producer's look-up of the raw contract, so that `produce` gets as far as the broker.
    answeringRegistry = await fakeRegistry(() => ({ status: 200, body: { id: 1, version: 1 } }));
    envDir = mkdtempSync(join(tmpdir(), "command-deadlines-"));
    base = {
      KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${broker.port}`,
      SCHEMA_REGISTRY_URL: registry.url,
      DATABASE_URL: "postgres://anonymiser:synthetic@127.0.0.1:9/research",
      REGISTRY_TIMEOUT_MS: "500",
      KAFKA_ADMIN_TIMEOUT_MS: "500",
      // Not the developer's .env.stack: only the stand-ins.
      STACK_ENV_FILE: join(envDir, "absent.env"),
    };
    // Side by side: the cases are independent and each mostly waits.
    outcomes.set("schemas:register", runCommand("schemas:register", base));
    outcomes.set("topics:create", runCommand("topics:create", base));
    outcomes.set("dlq:replay", runCommand("dlq:replay", base));
    outcomes.set("produce (registry silent)", runCommand("produce", base, ["--count", "5"]));
    outcomes.set(
      "produce (broker silent)",
      runCommand("produce", { ...base, SCHEMA_REGISTRY_URL: answeringRegistry.url }, ["--count", "5"]),
    );
  }, RETURNED);

  afterAll(async () => {
    await Promise.all([broker.close(), registry.close(), answeringRegistry.close()]);
    rmSync(envDir, { recursive: true, force: true });
  });

  it.each([
    ["schemas:register", "REGISTRY_UNAVAILABLE"],
    ["topics:create", "KAFKA_UNREACHABLE"],
    ["dlq:replay", "KAFKA_UNREACHABLE"],
    ["produce (registry silent)", "REGISTRY_UNAVAILABLE"],
    ["produce (broker silent)", "KAFKA_UNREACHABLE"],
  ])(
    "%s → exit 1 with %s",
    async (name, code) => {
      const outcome = await outcomes.get(name)!;
      const command = name.split(" ")[0];
      console.log(
        `${name}: exit ${outcome.code} after ${outcome.ms} ms: ${outcome.stderr.trim().split("\n").at(-1)}`,
      );
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toMatch(new RegExp(`^${command} failed: ${code}: `, "m"));
      expect(outcome.ms).toBeLessThan(RETURNED);
    },
    RETURNED,
  );

  it("the stand-ins were reached: the commands failed on the silence, not before it", () => {
    expect(broker.accepted()).toBeGreaterThan(0);
    expect(registry.requests.length).toBeGreaterThanOrEqual(3);
    expect(answeringRegistry.requests).toEqual(["POST /apis/ccompat/v7/subjects/patient-records-raw-value"]);
  });
});
