import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AvroEncoder } from "../../schemas/avro-codec.ts";
import { RegistryClient } from "../../schemas/registry-client.ts";
import { rawSchema } from "../support/anonymiser.ts";
import {
  accounted,
  database,
  fatalLines,
  freePort,
  kafkaCommitted,
  metricsText,
  preparePipelineEnv,
  type Replica,
  rawProducer,
  startReplica,
  withAdmin,
} from "../support/pipeline.ts";
import { startOutageProxy } from "../support/proxies.ts";
import { stack } from "../support/stack.ts";
import { startServer, stopServer } from "../support/stack-control.ts";
import { sleep, waitFor } from "../support/wait.ts";
import { type Check, formatVerdict, verify } from "./check.ts";
import { readTopicWithJava } from "./console-consumer.ts";
import { CHAOS_MAX_RECORD_BYTES, ChaosLoad } from "./load.ts";
import { describeFault, type FaultEvent, formatPlan, planChaos } from "./schedule.ts";

const minutes = Number(process.env["CHAOS_MINUTES"] ?? 3);
const seed = Number(process.env["CHAOS_SEED"] ?? 1);
const replicaCount = Number(process.env["CHAOS_REPLICAS"] ?? 3);
const PARTITIONS = 6;
/** An orchestrator's restart delay for a replica that exited. */
const RESTART_DELAY_MS = 3_000;
const LOG_DIR = "/tmp/chaos-stack-logs";

describe(`chaos: seed ${seed}, ${minutes} min of faults, ${replicaCount} replicas`, () => {
  it("every input exactly once, no duplicate, every pill dead-lettered with its code, no identifier anywhere, replicas stay up", async () => {
    const plan = planChaos(seed, minutes, replicaCount);
    console.log(formatPlan(plan));
    const env = await preparePipelineEnv("chaos", { partitions: PARTITIONS });
    const db = database(env.databaseUrl);
    const registryUrl = new URL(stack().SCHEMA_REGISTRY_URL);
    // A writer schema with a field the policy does not know (the ANON_FIELD_UNKNOWN pill).
    const rogueSchema = structuredClone(rawSchema) as unknown as { fields: object[] };
    rogueSchema.fields.push({ name: "mothers_maiden_name", type: "string", default: "" });
    const rogueId = await new RegistryClient(registryUrl.toString()).register(
      `${env.rawTopic}-rogue-value`,
      rogueSchema,
    );

    // The replicas reach the registry through a proxy that the run takes down and brings back: to the pipeline that
    // is a stopped registry (connections refused), while the local registry keeps its schemas (it holds them in
    // memory only, so stopping the process itself would lose them, which a production registry does not).
    const registryProxy = await startOutageProxy(Number(registryUrl.port));
    const proxiedRegistry = new URL(registryUrl);
    proxiedRegistry.port = String(registryProxy.port);

    const ports = await Promise.all(Array.from({ length: replicaCount }, () => freePort()));
    const replicas: Replica[] = ports.map((port, i) =>
      startReplica(
        {
          ...env.env,
          SCHEMA_REGISTRY_URL: proxiedRegistry.toString().replace(/\/$/, ""),
          HTTP_PORT: String(port),
          MAX_RECORD_BYTES: String(CHAOS_MAX_RECORD_BYTES),
        },
        `replica-${i}`,
        { restartDelayMs: RESTART_DELAY_MS },
      ),
    );
    const metrics: string[] = [];
    const scrapeAll = async () => {
      for (const port of ports) {
        const text = await metricsText(port).catch(() => undefined);
        if (text) metrics.push(text);
      }
    };
    const load = new ChaosLoad({
      seed,
      plan: plan.load,
      producer: await rawProducer(env),
      newProducer: () => rawProducer(env),
      rogueEncoder: new AvroEncoder(rogueSchema, rogueId),
    });
    const faultLog: string[] = [];
    const outages: Array<{ kind: string; from: number; to?: number }> = [];
    const faultCounts: Record<string, number> = {};
    let phaseStart = 0;
    try {
      await waitFor(
        "every replica to join the group",
        async () => replicas.every((r) => r.output().includes('"group.joined"')),
        { timeoutMs: 180_000 },
      );

      // The fault phase: load and faults run side by side, each fault at its planned offset.
      phaseStart = Date.now();
      const loadDone = load.run(phaseStart);
      const scraper = setInterval(() => void scrapeAll(), 15_000);
      const elapsed = () => `t+${Math.round((Date.now() - phaseStart) / 1000)} s`;
      const inject = async (f: FaultEvent) => {
        await sleep(Math.max(0, phaseStart + f.atS * 1_000 - Date.now()));
        faultCounts[f.kind] = (faultCounts[f.kind] ?? 0) + 1;
        if (!("downS" in f)) {
          const replica = replicas[f.replica]!;
          const ended = await replica.signal(f.kind === "kill-9" ? "SIGKILL" : "SIGTERM");
          faultLog.push(
            `${elapsed()} ${describeFault(f)}: ${ended ? `exit ${ended.signal ?? ended.code}${ended.killed && f.kind === "sigterm" ? " (SIGKILLed after 45 s)" : ""}` : "was not running (restarting)"}`,
          );
          return;
        }
        faultLog.push(`${elapsed()} ${describeFault(f)}: stopping`);
        const outage: (typeof outages)[number] = { kind: f.kind, from: Date.now() };
        outages.push(outage);
        if (f.kind === "registry") await registryProxy.down();
        else {
          if (f.kind === "broker") load.brokerDown = true;
          await stopServer[f.kind === "broker" ? "kafka" : "postgres"]();
        }
        await sleep(f.downS * 1_000);
        if (f.kind === "registry") await registryProxy.up();
        else {
          const server = f.kind === "broker" ? "kafka" : "postgres";
          // One more try: a JVM start on a loaded machine has failed once before (see the fault suite's setup).
          await startServer[server]().catch(() => sleep(5_000).then(() => startServer[server]()));
          load.brokerDown = false;
        }
        outage.to = Date.now();
        faultLog.push(`${elapsed()} ${f.kind} back`);
      };
      const stackFaults = plan.faults.filter((f) => "downS" in f);
      const replicaFaults = plan.faults.filter((f) => !("downS" in f));
      await Promise.all([
        (async () => {
          for (const f of stackFaults) await inject(f);
        })(),
        Promise.all(replicaFaults.map((f) => inject(f))),
        sleep(minutes * 60_000),
      ]);
      load.stop();
      await loadDone;
      clearInterval(scraper);
      const phaseS = Math.round((Date.now() - phaseStart) / 1000);
      console.log(`fault phase over after ${phaseS} s:\n  ${faultLog.join("\n  ")}`);

      // Drain: everything on the raw topic accounted for in PostgreSQL and committed in Kafka.
      const ends = await withAdmin((admin) =>
        admin.listOffsets({
          topics: [
            {
              name: env.rawTopic,
              partitions: Array.from({ length: PARTITIONS }, (_, p) => ({
                partitionIndex: p,
                timestamp: -1n,
              })),
            },
          ],
        }),
      );
      const endOffsets = new Map(ends[0]!.partitions.map((p) => [p.partitionIndex, p.offset]));
      const total = [...endOffsets.values()].reduce((a, b) => a + Number(b), 0);
      const drainStart = Date.now();
      const drained = await waitFor(
        `${total} inputs to be accounted for and committed`,
        async () => {
          if ((await accounted(db)) < total) return false;
          const committed = await kafkaCommitted(env.group, env.rawTopic);
          return [...endOffsets].every(([p, end]) => committed.get(p) === end);
        },
        { timeoutMs: 600_000, everyMs: 2_000 },
      )
        .then(() => true)
        .catch((error: Error) => {
          console.error(error.message);
          return false;
        });
      console.log(`drained in ${Math.round((Date.now() - drainStart) / 1000)} s: ${drained}`);
      await scrapeAll();
    } finally {
      load.stop();
      await Promise.all(replicas.map((r) => r.stop(45_000)));
      await load.close();
      await registryProxy.close();
    }

    const bootstrap = stack().KAFKA_BOOTSTRAP_SERVERS;
    const [raw, anonymisedTopic, deadLetterTopic] = await Promise.all([
      readTopicWithJava(bootstrap, env.rawTopic),
      readTopicWithJava(bootstrap, env.anonymisedTopic),
      readTopicWithJava(bootstrap, env.deadLetterTopic),
    ]);
    const tableText = async (table: string) => JSON.stringify(await db.any(`SELECT * FROM ${table}`));
    const outputs = {
      raw,
      anonymisedTopic,
      deadLetterTopic,
      rows: await db.any("SELECT * FROM anonymised_patient_records"),
      withheld: await db.any("SELECT * FROM withheld_records"),
      deadLetters: await db.any("SELECT * FROM dead_letters"),
      otherTables: (await Promise.all(["sink_offsets", "audit_batches"].map(tableText))).join("\n"),
      logs: replicas.map((r) => r.output()).join("\n"),
      metrics: metrics.join("\n"),
      phaseStartMs: phaseStart,
    };
    await db.$pool.end();
    const verdict = verify(outputs, load.records, load.identifiers);

    // Replicas stay up: every exit the harness did not ask for is a failure (the harness restarted it, as an
    // orchestrator would, so the accounting above still completes).
    const exits = replicas.flatMap((r) => r.exits.slice(0, -1).map((e) => ({ replica: r, ...e })));
    const unexpected = exits.filter((e) => !e.requested);
    const fatal = [...new Set(replicas.flatMap((r) => fatalLines(r).map((l) => codesOnly(l))))];
    const tPlus = (ms: number) => `t+${Math.round((ms - phaseStart) / 1000)} s`;
    // Evidence for each unexpected exit: when, which outage was under way, and the last log lines (codes only).
    for (const e of unexpected) {
      const during = outages.filter((o) => o.from <= e.at && (o.to ?? Number.POSITIVE_INFINITY) >= e.at);
      console.log(
        `unexpected exit: ${e.replica.instanceId} ${e.signal ?? `code ${e.code}`} at ${tPlus(e.at)}` +
          ` (outage under way: ${during.map((o) => `${o.kind} since ${tPlus(o.from)}`).join(", ") || "none"}); last lines:\n    ` +
          e.lastLines
            .map(codesOnly)
            .filter((l) => l.includes("="))
            .slice(-12)
            .join("\n    "),
      );
    }
    // The replicas' whole logs (allow-listed: codes, counts and positions) stay behind for a closer look.
    mkdirSync(LOG_DIR, { recursive: true });
    for (const r of replicas) writeFileSync(`${LOG_DIR}/${r.instanceId}.log`, r.output());
    const sigtermNonZero = exits.filter((e) => e.requested === "SIGTERM" && e.code !== 0).length;
    const replicaCheck: Check = {
      name: "replicas stay up (no exit the harness did not cause)",
      ok: unexpected.length === 0,
      detail:
        unexpected.length === 0
          ? `${exits.length} requested exits`
          : `${unexpected.length} unexpected exits (${unexpected
              .map((e) => `${e.replica.instanceId} ${e.signal ?? `code ${e.code}`} at ${tPlus(e.at)}`)
              .slice(0, 6)
              .join(
                ", ",
              )}${unexpected.length > 6 ? ", …" : ""}); first fatal lines: ${fatal.slice(0, 3).join(" | ")}`,
    };
    const table = formatVerdict(verdict, [replicaCheck], {
      "replica exits: kill -9 (requested)": exits.filter((e) => e.requested === "SIGKILL").length,
      "replica exits: SIGTERM (requested)": exits.filter((e) => e.requested === "SIGTERM").length,
      "  of which non-zero exit code": sigtermNonZero,
      "replica exits: unexpected": unexpected.length,
      "replica starts": replicas.reduce((a, r) => a + r.starts(), 0),
      "faults: broker / postgres / registry": `${faultCounts["broker"] ?? 0} / ${faultCounts["postgres"] ?? 0} / ${faultCounts["registry"] ?? 0}`,
      "faults: kill -9 / SIGTERM": `${faultCounts["kill-9"] ?? 0} / ${faultCounts["sigterm"] ?? 0}`,
      "load: records / pills sent": `${load.stats.recordsSent} / ${load.stats.pillsSent}`,
      "load: failed sends / ticks paused (broker down)": `${load.stats.sendFailures} / ${load.stats.ticksSkipped}`,
      "identifier spellings searched": load.identifiers.size,
    });
    console.log(`seed ${seed}\n${table}`);
    writeFileSync(
      process.env["CHAOS_RESULTS_FILE"] ?? "/tmp/chaos-stack-results.json",
      `${JSON.stringify({ seed, minutes, replicas: replicaCount, faults: faultLog, table, numbers: verdict.numbers }, null, 2)}\n`,
    );
    const failed = [...verdict.checks, replicaCheck].filter((c) => !c.ok);
    expect(
      failed.map((c) => `${c.name}: ${c.detail}`),
      `chaos seed ${seed} failed checks`,
    ).toEqual([]);
  });
});

/** A log line reduced to its event name and codes (logs are allow-listed, but a report carries codes only). */
function codesOnly(line: string): string {
  const fields = [...line.matchAll(/"(msg|event|code|cause|errorCode|name)":"([^"]{1,60})"/g)].map(
    (m) => `${m[1]}=${m[2]}`,
  );
  return fields.join(" ") || line.slice(0, 80);
}
