import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import type { RunningPipeline } from "../../app/pipeline.ts";
import { POISON_KINDS, type PoisonKind, poison } from "../../dev/producer/poison.ts";
import { PROJECT_ROOT } from "../../dev/stack/paths.ts";
import { createGenerator } from "../../dev/synthetic/index.ts";
import { eventually, preparePipelineEnv, rawProducer, startInProcess } from "../support/pipeline.ts";

/**
 * Every query of the Grafana dashboard, run against a real Prometheus that scrapes a real pipeline under synthetic
 * load (good records, poison pills and policy refusals), so that a renamed metric, a wrong label or a PromQL typo in
 * the dashboard fails here rather than as an empty panel at 3 a.m. The same Prometheus loads the alerting rules, so
 * they are also evaluated against the live metrics.
 */

const DASHBOARD = join(PROJECT_ROOT, "ops/grafana/dashboards/anonymiser.json");
const PROMETHEUS_CONFIG = join(PROJECT_ROOT, "ops/prometheus/prometheus.yml");
const RULES_GLOB = join(PROJECT_ROOT, "ops/prometheus/rules/*.yml");

/** Grafana template variables, as the dashboard would resolve them for this Prometheus. */
const VARIABLES: Record<string, string> = {
  __rate_interval: "30s",
  __range: "5m",
  job: "anonymiser",
  instance: ".*",
};

/**
 * Queries that may legitimately return no data (or NaN) under this load; each is still checked to be valid PromQL.
 * Keyed by panel title and target refId.
 */
const ALLOWED_EMPTY: Record<string, string> = {
  // Labelled counters have no series until the first abort / retry; this load injects no broker or database fault.
  "Transaction aborts by cause /s/A": "no transaction aborts without fault injection",
  "Retries by cause /s/A": "no transient failures without fault injection",
  "Kafka availability and outages/B": "no Kafka outage without fault injection",
};

/** Partitions of the raw topic (preparePipelineEnv's default); the single pipeline here is assigned all of them. */
const RAW_PARTITIONS = 3;

interface Target {
  key: string;
  panel: string;
  refId: string;
  expr: string;
}

interface DashboardPanel {
  type: string;
  title: string;
  targets?: Array<{ refId: string; expr: string }>;
  panels?: DashboardPanel[];
}

function dashboardTargets(): Target[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { panels: DashboardPanel[] };
  const flat = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return flat.flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      key: `${p.title}/${t.refId}`,
      panel: p.title,
      refId: t.refId,
      expr: t.expr.replace(/\$\{?(\w+)(?::\w+)?\}?/g, (whole, name: string) => VARIABLES[name] ?? whole),
    })),
  );
}

function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Grafana dashboard queries against a real Prometheus scraping the pipeline", () => {
  const targets = dashboardTargets();
  let pipeline: RunningPipeline | undefined;
  let prometheus: (ChildProcess & { log: () => string }) | undefined;
  let promUrl = "";
  let rawTopic = "";
  let workDir = "";
  let loadStopped = false;
  let load: Promise<void> | undefined;
  const figures: string[] = [];

  async function query(expr: string): Promise<{ status: string; error?: string; result: Sample[] }> {
    const response = await fetch(`${promUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: Sample[] };
    };
    return {
      status: body.status,
      ...(body.error ? { error: body.error } : {}),
      result: body.data?.result ?? [],
    };
  }

  async function scalar(expr: string): Promise<number> {
    const r = await query(expr);
    return r.result.length > 0 ? Number(r.result[0]?.value[1]) : Number.NaN;
  }

  beforeAll(async () => {
    const binary = process.env["PROMETHEUS_BIN"] ?? findOnPath("prometheus");
    if (!binary) {
      throw new Error(
        "The prometheus binary is not on PATH. This test needs a real Prometheus: run `bash dev/ci/observability-checks.sh` " +
          "(installs the Debian prometheus package) or set PROMETHEUS_BIN.",
      );
    }

    const env = await preparePipelineEnv("dashboards");
    rawTopic = env.rawTopic;
    const httpPort = await freePort();
    pipeline = await startInProcess(env, { HTTP_PORT: String(httpPort) }, { http: true });

    // Synthetic load for the whole test: good records, one poison pill of each kind in turn and, every few ticks,
    // a record the policy refuses (ANON_VALUE_INVALID), so the dead-letter and refusal panels have data.
    const producer = await rawProducer(env);
    const generator = createGenerator({ seed: 7, patients: 200 });
    const kinds = Object.keys(POISON_KINDS) as PoisonKind[];
    load = (async () => {
      let tick = 0;
      try {
        while (!loadStopped) {
          await producer.send(Array.from({ length: 40 }, () => generator.next()));
          const r = generator.next();
          const bad = [
            {
              key: Buffer.from("poison"),
              value: poison(kinds[tick % kinds.length] as PoisonKind, producer.encode(r), r.source_system),
            },
          ];
          if (tick % 3 === 0) {
            const refused = generator.next();
            bad.push({
              key: Buffer.from("poison"),
              value: producer.encode({
                ...refused,
                gender: "not-a-gender-code",
                national_data_opt_out: false,
              }),
            });
          }
          await producer.sendRaw(bad);
          tick++;
          await sleep(250);
        }
      } finally {
        await producer.close();
      }
    })();

    workDir = mkdtempSync(join(tmpdir(), "anonymiser-prometheus-"));
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    // The project's own config, pointed at this pipeline and sped up: same job name, same rule files.
    const promConfig = YAML.parse(readFileSync(PROMETHEUS_CONFIG, "utf8")) as {
      global: Record<string, unknown>;
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    promConfig.global = {
      ...promConfig.global,
      scrape_interval: "1s",
      scrape_timeout: "1s",
      evaluation_interval: "1s",
    };
    promConfig.rule_files = [RULES_GLOB];
    const job = promConfig.scrape_configs.find((c) => c.job_name === "anonymiser");
    if (!job) throw new Error("ops/prometheus/prometheus.yml has no scrape job named anonymiser");
    job.static_configs = [{ targets: [`127.0.0.1:${httpPort}`] }];
    promConfig.scrape_configs = [job];
    writeFileSync(join(workDir, "prometheus.yml"), YAML.stringify(promConfig));

    let log = "";
    const child = spawn(
      binary,
      [
        `--config.file=${join(workDir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(workDir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        "--log.level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let spawnError: Error | undefined;
    child.once("error", (error) => {
      spawnError = error;
    });
    child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
    prometheus = Object.assign(child, { log: () => log });
    const ready = await eventually(
      async () => {
        if (child.exitCode !== null || spawnError) return true;
        return (await fetch(`${promUrl}/-/ready`).catch(() => undefined))?.ok === true;
      },
      20_000,
      200,
    );
    if (!ready || child.exitCode !== null || spawnError)
      throw new Error(
        `Prometheus (${binary}) did not become ready (${spawnError?.message ?? `exit ${child.exitCode}`}):\n${log.slice(-2000)}`,
      );

    // Several scrapes with records flowing, dead letters and refusals counted, so that rates have two points, and
    // the consumer lag (sampled every 5 s, off the scrape path) scraped for every partition for at least 6 s, so it
    // spans at least one re-sample.
    const warmUp: Array<[string, (v: number) => boolean]> = [
      ['count_over_time(up{job="anonymiser"}[1m])', (v) => v >= 10],
      [
        'count(count_over_time(anonymiser_consumer_lag{job="anonymiser"}[1m]) >= 6)',
        (v) => v === RAW_PARTITIONS,
      ],
      ['sum(rate(anonymiser_records_in_total{job="anonymiser"}[30s]))', (v) => v > 0],
      ['sum(rate(anonymiser_dead_letters_total{job="anonymiser"}[30s]))', (v) => v > 0],
      ['sum(anonymiser_anonymise_failures_total{job="anonymiser"})', (v) => v > 0],
      ['sum(rate(nodejs_gc_duration_seconds_count{job="anonymiser"}[30s]))', (v) => v > 0],
    ];
    const warm = await eventually(
      async () => {
        for (const [expr, ok] of warmUp) if (!ok(await scalar(expr))) return false;
        return true;
      },
      60_000,
      500,
    );
    if (!warm) {
      const values = await Promise.all(warmUp.map(async ([expr]) => `  ${expr} = ${await scalar(expr)}`));
      throw new Error(
        `pipeline data did not reach Prometheus in 60 s:\n${values.join("\n")}\n${prometheus.log().slice(-2000)}`,
      );
    }
  });

  afterAll(async () => {
    loadStopped = true;
    await load?.catch(() => undefined);
    if (prometheus && prometheus.exitCode === null) {
      const exit = new Promise((r) => prometheus?.once("exit", r));
      prometheus.kill("SIGTERM");
      await Promise.race([exit, sleep(10_000)]);
      if (prometheus.exitCode === null) prometheus.kill("SIGKILL");
    }
    await pipeline?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (figures.length > 0)
      console.log(`dashboard figures (first series of each query):\n${figures.join("\n")}`);
  });

  it("finds the dashboard's queries", () => {
    expect(targets.length).toBeGreaterThan(40);
    for (const t of targets) expect(t.expr, t.key).not.toMatch(/\$/);
    // Every allowed-empty entry still names a real target.
    for (const key of Object.keys(ALLOWED_EMPTY)) expect(targets.map((t) => t.key)).toContain(key);
  });

  for (const target of targets) {
    const allowedEmpty = ALLOWED_EMPTY[target.key];
    const name = allowedEmpty
      ? `${target.key} is valid PromQL (may be empty: ${allowedEmpty})`
      : `${target.key} returns data`;
    it(name, async () => {
      const r = await query(target.expr);
      expect(r.error, `${target.key}: ${target.expr}`).toBeUndefined();
      expect(r.status).toBe("success");
      const first = r.result[0];
      figures.push(
        `  ${target.key.padEnd(58)} ${first ? `${Number(first.value[1]).toPrecision(4)} ${JSON.stringify(first.metric)}` : "(empty)"}`,
      );
      if (allowedEmpty) return;
      expect(r.result.length, `no series for ${target.key}: ${target.expr}`).toBeGreaterThan(0);
      const finite = r.result.filter((s) => Number.isFinite(Number(s.value[1])));
      expect(finite.length, `only NaN/Inf for ${target.key}: ${target.expr}`).toBeGreaterThan(0);
    });
  }

  it("exports the consumer lag of every assigned partition of the raw topic", async () => {
    const lag = await query('anonymiser_consumer_lag{job="anonymiser"}');
    expect(lag.error).toBeUndefined();
    const partitions = lag.result.map((s) => s.metric["partition"]).sort();
    expect(partitions).toEqual(Array.from({ length: RAW_PARTITIONS }, (_, i) => String(i)));
    for (const s of lag.result) {
      expect(s.metric["topic"]).toBe(rawTopic);
      const value = Number(s.value[1]);
      expect(Number.isInteger(value) && value >= 0, `lag ${s.value[1]} for ${JSON.stringify(s.metric)}`).toBe(
        true,
      );
    }
    // Sample of what the panel would have drawn over the last minute (per partition: min / max).
    const range = await query('min_over_time(anonymiser_consumer_lag{job="anonymiser"}[1m])');
    const peak = await query('max_over_time(anonymiser_consumer_lag{job="anonymiser"}[1m])');
    for (const s of range.result) {
      const p = s.metric["partition"];
      const max = peak.result.find((x) => x.metric["partition"] === p)?.value[1];
      figures.push(
        `  consumer lag partition ${p}: now ${lag.result.find((x) => x.metric["partition"] === p)?.value[1]}, last 1m min ${s.value[1]} max ${max}`,
      );
    }
  });

  it("evaluates every recording and alerting rule without errors against the live metrics", async () => {
    const settled = await eventually(async () => {
      const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> };
      };
      return body.data.groups.flatMap((g) => g.rules).every((r) => r.health !== "unknown");
    }, 10_000);
    expect(settled).toBe(true);
    const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
    };
    const rules = body.data.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(20);
    expect(rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  });

  it("raises DeadLetterRateHigh (pending) for this load, which dead-letters about 3% of input, and nothing else", async () => {
    const alerts = async () =>
      (
        (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as {
          data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
        }
      ).data.alerts;
    expect(
      await eventually(
        async () => (await alerts()).some((a) => a.labels["alertname"] === "DeadLetterRateHigh"),
        15_000,
      ),
    ).toBe(true);
    expect((await alerts()).map((a) => a.labels["alertname"])).toEqual(["DeadLetterRateHigh"]);
  });
});
