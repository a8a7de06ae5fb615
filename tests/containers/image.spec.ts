/**
 * The pipeline image, run as it is deployed: non-root, read-only root file system, tmpfs /tmp, no capabilities,
 * behind an init. It must become ready, process records end to end exactly once, serve /metrics, and drain and exit
 * 0 when stopped. Needs the image (`npm run containers:check` builds it) and the stack of the run (global setup).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawRecordProducer } from "../../dev/producer/raw-producer.ts";
import { createGenerator } from "../../dev/synthetic/index.ts";
import {
  counts,
  database,
  eventually,
  type PipelineEnv,
  preparePipelineEnv,
  rawProducer,
  readTopic,
} from "../support/pipeline.ts";
import { cli, metricValue, until200, whenAccounted } from "./support.ts";

const IMAGE = process.env["PIPELINE_IMAGE"] ?? "localhost/nhs-anonymiser:local";
/** Host network: the stack's endpoints are loopback addresses; the port is in this worktree's range. */
const HTTP_PORT = Number(process.env["IMAGE_CHECK_HTTP_PORT"] ?? 26464);
const RECORDS = 1_000;
/** Produced while the first container is stopped, and finished by a second one. */
const MORE_RECORDS = 3_000;
/** app/main.ts gives the drain 45 s; ECS and compose allow 60 s before SIGKILL. */
const STOP_DEADLINE_S = 60;
/** Half the Terraform default task memory (2 GiB), to show the headroom; the records queue before the run. */
const MEMORY_LIMIT = "1g";
const MEMORY_RECORDS = 100_000;

describe(`the pipeline image (${IMAGE})`, () => {
  let env: PipelineEnv;
  let db: ReturnType<typeof database>;
  let producer: RawRecordProducer;
  let generator: ReturnType<typeof createGenerator>;
  let container = "";
  let readyAfterMs = 0;
  const containers: string[] = [];

  /** Runs the image as deployed: host network (the stack's endpoints are loopback addresses), hardened. */
  async function startContainer(
    name: string,
    options: { env?: PipelineEnv; port?: number; engineArgs?: string[] } = {},
  ): Promise<string> {
    const envArgs = Object.entries({
      ...(options.env ?? env).env,
      HTTP_PORT: String(options.port ?? HTTP_PORT),
      INSTANCE_ID: name,
    }).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
    const id = await cli([
      "run",
      "--detach",
      "--name",
      `nhs-anonymiser-image-check-${name}-${randomBytes(3).toString("hex")}`,
      "--label",
      "nhs-anonymiser.check=image",
      "--network",
      "host",
      "--init",
      "--read-only",
      "--tmpfs",
      "/tmp:size=64m",
      "--user",
      "1000:1000",
      "--cap-drop",
      "ALL",
      "--security-opt",
      "no-new-privileges",
      ...(options.engineArgs ?? []),
      ...envArgs,
      IMAGE,
    ]);
    containers.push(id);
    return id;
  }

  async function accounted(): Promise<number> {
    const c = await counts(db);
    return c.rows + c.withheld + c.deadLetters;
  }

  /** Every record produced so far has exactly one outcome, and the topic holds each anonymised row once. */
  async function expectExactlyOnce(total: number): Promise<void> {
    const c = await whenAccounted(db, total);
    expect(c.rows + c.withheld + c.deadLetters).toBe(total);
    expect(c.distinctRecords).toBe(c.rows);
    expect(c.deadLetters).toBe(0);
    expect(await readTopic(env.anonymisedTopic, c.rows)).toHaveLength(c.rows);
  }

  beforeAll(async () => {
    env = await preparePipelineEnv("image");
    db = database(env.databaseUrl);
    producer = await rawProducer(env);
    generator = createGenerator({ seed: 7, patients: 200 });
    await producer.send(Array.from({ length: RECORDS }, () => generator.next()));

    const started = Date.now();
    container = await startContainer("first");
    readyAfterMs =
      Date.now() - started + (await until200(`http://127.0.0.1:${HTTP_PORT}/health/ready`, 120_000));
    console.log(`[image] ready ${(readyAfterMs / 1000).toFixed(1)} s after docker run`);
  });

  afterAll(async () => {
    for (const id of containers) await cli(["rm", "--force", id]).catch(() => undefined);
    await producer?.close();
    await db?.$pool.end();
  });

  it("runs as uid 1000 on a read-only root file system with only /tmp writable", async () => {
    const inspect = JSON.parse(await cli(["inspect", container]))[0];
    expect(inspect.Config.User).toBe("1000:1000");
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    expect(readyAfterMs).toBeLessThan(120_000);
  });

  it("processes every record end to end, exactly once", async () => {
    await expectExactlyOnce(RECORDS);
  });

  it("serves /metrics with the records it counted", async () => {
    const exposition = await (await fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`)).text();
    expect(metricValue(exposition, "anonymiser_records_in_total")).toBe(RECORDS);
    expect(metricValue(exposition, "anonymiser_up")).toBe(1);
  });

  it("trusts the Amazon RDS eu-west-2 roots for PGSSLMODE=verify-full (NODE_EXTRA_CA_CERTS)", async () => {
    const subjects = await cli([
      "run",
      "--rm",
      "--label",
      "nhs-anonymiser.check=image",
      "--network",
      "none",
      "--read-only",
      "--user",
      "1000:1000",
      IMAGE,
      "node",
      "-e",
      `const { X509Certificate } = require("node:crypto");
       for (const pem of require("node:tls").getCACertificates("extra")) console.log(new X509Certificate(pem).subject.split("\\n").find((l) => l.startsWith("CN=")));`,
    ]);
    expect(subjects.split("\n").sort()).toEqual([
      "CN=Amazon RDS eu-west-2 Root CA ECC384 G1",
      "CN=Amazon RDS eu-west-2 Root CA RSA2048 G1",
      "CN=Amazon RDS eu-west-2 Root CA RSA4096 G1",
    ]);
  });

  it("drains on docker stop in the middle of a stream and exits 0 within the deadline", async () => {
    const before = await accounted();
    const sending = producer.send(Array.from({ length: MORE_RECORDS }, () => generator.next()));
    // Stop while records are still arriving, once the container has committed some of them.
    expect(await eventually(async () => (await accounted()) > before, 60_000, 50)).toBe(true);
    const started = Date.now();
    await cli(["stop", "--time", String(STOP_DEADLINE_S), container]);
    const stoppedAfterMs = Date.now() - started;
    console.log(`[image] stopped ${(stoppedAfterMs / 1000).toFixed(1)} s after docker stop`);
    await sending;
    const state = JSON.parse(await cli(["inspect", container]))[0].State;
    expect(state.ExitCode).toBe(0);
    expect(stoppedAfterMs).toBeLessThan(STOP_DEADLINE_S * 1000);
    expect(await cli(["logs", container])).toMatch(/"pipeline\.stopping"/);
  });

  it("a replacement container finishes the stream: every record exactly once across the stop", async () => {
    container = await startContainer("second");
    await until200(`http://127.0.0.1:${HTTP_PORT}/health/ready`, 120_000);
    await expectExactlyOnce(RECORDS + MORE_RECORDS);
  });

  it("logs pipeline.stopped before exiting (the database pool and HTTP server are closed first)", async () => {
    expect(await cli(["logs", containers[0]!])).toMatch(/"pipeline\.stopped"/);
  });

  it(`runs under a ${MEMORY_LIMIT} memory limit at full load: ${MEMORY_RECORDS} records of ${MEMORY_RECORDS / 4} patients, exactly once, never OOM-killed`, async () => {
    // Its own topics, group and database, and its own port: the replacement container above is still running.
    const memEnv = await preparePipelineEnv("image-mem", { partitions: 4 });
    const memDb = database(memEnv.databaseUrl);
    try {
      const memProducer = await rawProducer(memEnv);
      const many = createGenerator({ seed: 11, patients: MEMORY_RECORDS / 4 });
      for (let sent = 0; sent < MEMORY_RECORDS; sent += 5_000)
        await memProducer.send(Array.from({ length: 5_000 }, () => many.next()));
      await memProducer.close();
      // Everything is queued before the container starts, so it runs flat out from its first batch.
      const id = await startContainer("memory", {
        env: { ...memEnv, env: { ...memEnv.env, BATCH_MAX_RECORDS: "1000", BATCH_MAX_MS: "200" } },
        port: HTTP_PORT + 1,
        engineArgs: ["--memory", MEMORY_LIMIT, "--memory-swap", MEMORY_LIMIT],
      });
      let peakMb = 0;
      const sample = async () => {
        const usage = await cli(["stats", "--no-stream", "--format", "{{.MemUsage}}", id]).catch(() => "");
        peakMb = Math.max(peakMb, megabytes(usage.split("/")[0] ?? ""));
      };
      const sampler = setInterval(() => void sample(), 1_000);
      const c = await whenAccounted(memDb, MEMORY_RECORDS, 600_000).finally(() => clearInterval(sampler));
      const state = JSON.parse(await cli(["inspect", id]))[0].State;
      console.log(
        `[image] under a ${MEMORY_LIMIT} limit: ${MEMORY_RECORDS} records, memory peak ${Math.round(peakMb)} MB (cgroup usage, page cache included)`,
      );
      expect(state.OOMKilled).toBe(false);
      expect(state.Running).toBe(true);
      expect(c.rows + c.withheld + c.deadLetters).toBe(MEMORY_RECORDS);
      expect(c.distinctRecords).toBe(c.rows);
      await cli(["stop", "--time", String(STOP_DEADLINE_S), id]);
      expect(JSON.parse(await cli(["inspect", id]))[0].State.ExitCode).toBe(0);
    } finally {
      await memDb.$pool.end();
    }
  }, 900_000);
});

/** "884.2MB" (the engine's stats, SI units) in megabytes; NaN-safe (0 when unreadable). */
function megabytes(text: string): number {
  const m = /([\d.]+)\s*([kMG]?i?B)/.exec(text.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2] ?? "B";
  const scale: Record<string, number> = {
    B: 1e-6,
    kB: 1e-3,
    KiB: 1.024e-3,
    MB: 1,
    MiB: 1.048576,
    GB: 1e3,
    GiB: 1073.741824,
  };
  return n * (scale[unit] ?? 1);
}
