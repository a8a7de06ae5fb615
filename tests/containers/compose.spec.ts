/**
 * docker-compose.yml, up for real and down again: Kafka, the registry, PostgreSQL, topic creation and schema
 * registration, two pipeline replicas and Prometheus (Grafana is left out: its profile is not enabled). The producer
 * service's records must reach PostgreSQL and the anonymised topic exactly once, both replicas must share the work,
 * and Prometheus must scrape both. Needs the images `npm run containers:check` builds.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { Consumer } from "@platformatic/kafka";
import pgPromise from "pg-promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../dev/stack/paths.ts";
import { eventually } from "../support/pipeline.ts";
import { CLI, cli, metricValue, until200, whenAccounted } from "./support.ts";

const execFileAsync = promisify(execFile);
const PROJECT = "nhs-anonymiser-check";
const RECORDS = 3_000;
/** Host ports in this worktree's range, so other stacks on the machine keep theirs. */
const PORTS = {
  KAFKA_HOST_PORT: 26094,
  REGISTRY_HOST_PORT: 26080,
  POSTGRES_HOST_PORT: 26054,
  PIPELINE_1_HOST_PORT: 26465,
  PIPELINE_2_HOST_PORT: 26466,
  PROMETHEUS_HOST_PORT: 26090,
};
const composeEnv: NodeJS.ProcessEnv = {
  ...process.env,
  ...Object.fromEntries(Object.entries(PORTS).map(([k, v]) => [k, String(v)])),
  KEYRING_JSON: readFileSync(new URL("../fixtures/keyring.json", import.meta.url), "utf8"),
  PRODUCER_COUNT: String(RECORDS),
  PRODUCER_RATE: "0",
};

async function compose(args: string[], timeoutMs = 300_000): Promise<string> {
  const { stdout, stderr } = await execFileAsync("docker-compose", ["--project-name", PROJECT, ...args], {
    cwd: PROJECT_ROOT,
    env: composeEnv,
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return `${stdout}${stderr}`;
}

/** `down`, once more after a moment if the network was still held by a container being removed. */
async function composeDown(): Promise<void> {
  const args = ["--profile", "producer", "down", "--volumes", "--remove-orphans"];
  await compose(args).catch(async () => {
    await new Promise((r) => setTimeout(r, 3_000));
    await compose(args);
  });
}

const projectContainers = async (all = false) =>
  (
    await cli([
      "ps",
      ...(all ? ["--all"] : []),
      "--filter",
      `label=com.docker.compose.project=${PROJECT}`,
      "--format",
      "{{.ID}} {{.Status}}",
    ])
  )
    .split("\n")
    .filter(Boolean);

/**
 * Podman runs health checks from systemd timers, and these machines have no systemd: while compose waits for
 * `service_healthy`, run each pending check the way the timer would (`podman healthcheck run`). Docker needs none.
 */
function runHealthChecks(): () => void {
  if (CLI !== "podman") return () => undefined;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const line of await projectContainers()) {
        if (/\((starting|unhealthy)\)/.test(line)) {
          await cli(["healthcheck", "run", line.split(" ")[0]!]).catch(() => undefined);
        }
      }
    } catch {
      // the project is coming up or going down
    } finally {
      busy = false;
    }
  }, 2_000);
  return () => clearInterval(timer);
}

async function readAll(topic: string, expected: number): Promise<number> {
  const consumer = new Consumer({
    clientId: "compose-check",
    groupId: `compose-check-${Date.now()}`,
    bootstrapBrokers: [`127.0.0.1:${PORTS.KAFKA_HOST_PORT}`],
  });
  let n = 0;
  try {
    const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false });
    const deadline = setTimeout(() => void stream.close(), 60_000);
    let idle: NodeJS.Timeout | undefined;
    for await (const _ of stream) {
      n++;
      if (idle) clearTimeout(idle);
      if (n >= expected) idle = setTimeout(() => void stream.close(), 2_000);
    }
    clearTimeout(deadline);
    if (idle) clearTimeout(idle);
  } finally {
    await consumer.close(true);
  }
  return n;
}

describe("docker-compose.yml (without the grafana profile)", () => {
  const pgp = pgPromise();
  const db = pgp(`postgres://anonymiser:anonymiser-local@127.0.0.1:${PORTS.POSTGRES_HOST_PORT}/anonymised`);
  let stopHealthChecks: () => void = () => undefined;

  beforeAll(async () => {
    // A project left by an interrupted run would hold the ports.
    await composeDown().catch(() => undefined);
    stopHealthChecks = runHealthChecks();
    const started = Date.now();
    await compose(["up", "--detach", "--no-build"]);
    await until200(`http://127.0.0.1:${PORTS.PIPELINE_1_HOST_PORT}/health/ready`, 120_000);
    await until200(`http://127.0.0.1:${PORTS.PIPELINE_2_HOST_PORT}/health/ready`, 120_000);
    console.log(`[compose] up and both replicas ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    stopHealthChecks();
  });

  afterAll(async () => {
    stopHealthChecks();
    await db.$pool.end();
    await composeDown().catch(() => undefined);
  });

  it("starts everything but Grafana", async () => {
    const services = (await compose(["ps", "--services", "--filter", "status=running"])).split("\n");
    for (const name of ["kafka", "registry", "postgres", "pipeline-1", "pipeline-2", "prometheus"]) {
      expect(services, name).toContain(name);
    }
    expect(services).not.toContain("grafana");
  });

  it("delivers the producer service's records to PostgreSQL and the anonymised topic exactly once", async () => {
    await compose(["--profile", "producer", "run", "--rm", "-T", "--no-deps", "producer"]);
    const c = await whenAccounted(db, RECORDS);
    expect(c.rows + c.withheld + c.deadLetters).toBe(RECORDS);
    expect(c.distinctRecords).toBe(c.rows);
    expect(await readAll("patient-records-anonymised", c.rows)).toBe(c.rows);
  });

  it("shares the work between the two replicas", async () => {
    for (const port of [PORTS.PIPELINE_1_HOST_PORT, PORTS.PIPELINE_2_HOST_PORT]) {
      const exposition = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metricValue(exposition, "anonymiser_assigned_partitions"), String(port)).toBeGreaterThan(0);
      expect(metricValue(exposition, "anonymiser_records_in_total"), String(port)).toBeGreaterThan(0);
    }
  });

  it("has Prometheus scraping both replicas", async () => {
    const healthy = await eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${PORTS.PROMETHEUS_HOST_PORT}/api/v1/targets`);
      const body = (await response.json()) as {
        data: { activeTargets: Array<{ labels: Record<string, string>; health: string }> };
      };
      const up = body.data.activeTargets.filter((t) => t.labels["job"] === "anonymiser" && t.health === "up");
      return up.length === 2;
    }, 60_000);
    expect(healthy).toBe(true);
  });

  it("stops the replicas cleanly (exit 0) and comes down leaving nothing behind", async () => {
    await compose(["stop", "pipeline-1", "pipeline-2"], 120_000);
    for (const service of ["pipeline-1", "pipeline-2"]) {
      const id = (await compose(["ps", "--quiet", service])).trim();
      const state = JSON.parse(await cli(["inspect", id]))[0].State;
      expect(state.ExitCode, service).toBe(0);
    }
    const started = Date.now();
    await composeDown();
    console.log(`[compose] down in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(await projectContainers(true)).toEqual([]);
    expect(
      await cli(["volume", "ls", "--quiet", "--filter", `label=com.docker.compose.project=${PROJECT}`]),
    ).toBe("");
  });
});
