/**
 * End-to-end benchmarks on the real local stack (Kafka, schema registry, PostgreSQL), on the benchmark's own stack
 * (ports 21000+, state in /tmp/bench-stack): started here if it is not up, and stopped at the end only if started here.
 *   throughput  at-least-once and transactional passthrough with our Kafka client, the pipeline (exactly once, Kafka
 *               and PostgreSQL) and Apache Kafka Streams doing the same policy (exactly_once_v2, Kafka only), each
 *               from a fresh consumer group, ROUNDS rounds in alternating order; medians; CPU per 1,000 records of
 *               the measured process and of the broker and PostgreSQL; Kafka Streams' output checked field by field
 *   sink        PostgresStore.commit with COPY against one unnest INSERT, and a plain COPY as the floor
 *   latency     open-loop producer at 50% of the measured pipeline maximum; HDR percentiles; event-loop delay
 *   soak        RSS over a long open-loop run
 *   profile     the pipeline under load with --cpu-prof; top self-time functions
 *   (opt-in: retry-delay, replicas, record-size, notes-absent)
 * Prints tables and the goal table, writes bench/results/pipeline.json (and profile-summary.json) with the commit it
 * measured. Compare ratios from the same run: the machine is shared; the load average is recorded with every figure.
 *   npm run bench [-- --records 100000 --rounds 3 --latency-seconds 120 --soak-seconds 600 --no-kstreams
 *                    --only throughput,sink,latency,soak,profile,retry-delay,replicas,record-size,notes-absent
 *                    --keep-stack]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { compatibilityPartitioner, Producer } from "@platformatic/kafka";
import { applyBenchStackEnv } from "./lib/env.ts";

applyBenchStackEnv();
const { up } = await import("../dev/stack/stack.ts");
const { RawRecordProducer } = await import("../dev/producer/raw-producer.ts");
const { registerSchemas } = await import("../schemas/register.ts");
const { CLINICAL_DECOYS, createGenerator } = await import("../dev/synthetic/index.ts");
const { BenchChild, pipelineChild } = await import("./lib/child.ts");
const { PIPELINE_NODE_OPTIONS } = await import("../app/node-options.ts");
const setup = await import("./lib/setup.ts");
const { sinkBench } = await import("./lib/sink.ts");
const { summariseProfiles } = await import("./lib/profile.ts");
const { checkoutCommit } = await import("./lib/worktree.ts");
const { stackCpu, cpuDelta, machineTicks } = await import("./lib/stack-cpu.ts");
const { SETTINGS } = await import("../ops/config.ts");
type PatientRecordJson = import("../dev/synthetic/index.ts").PatientRecordJson;
type StackEndpoints = import("../dev/stack/env-file.ts").StackEndpoints;

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    // The pipeline's own default (BATCH_MAX_RECORDS), so that the run measures default settings.
    "batch-sizes": { type: "string", default: SETTINGS.batchMaxRecords.default },
    rounds: { type: "string", default: "3" },
    "batch-max-ms": { type: "string", default: "200" },
    partitions: { type: "string", default: "4" },
    "latency-seconds": { type: "string", default: "120" },
    "latency-rate": { type: "string" },
    "soak-seconds": { type: "string", default: "600" },
    "sink-rows": { type: "string", default: "20000" },
    only: {
      type: "string",
      default: "throughput,sink,latency,soak,profile",
    },
    "keep-stack": { type: "boolean", default: false },
    "no-kstreams": { type: "boolean", default: false },
    "replica-trials": { type: "string", default: "1" },
    out: { type: "string", default: "pipeline.json" },
    compare: { type: "string" },
  },
});
const N = Number(args.records);
const BATCH_SIZES = args["batch-sizes"]!.split(",").map(Number);
/** The batch every measure runs with: the first of --batch-sizes (by default the pipeline's own). */
const BATCH = BATCH_SIZES[0]!;
const BATCH_MAX_MS = Number(args["batch-max-ms"]);
/** The latency window starts no sooner than this after the first record is due (seconds)… */
const MIN_WARMUP_S = 5;
/** …and once a committed batch's oldest record waited at most this long (ms), or at the latest after MAX_WARMUP_S. */
const CAUGHT_UP_MS = Math.max(1_000, 5 * BATCH_MAX_MS);
/** …for every batch committed over this long (s): one quick first batch does not make a pipeline caught up. */
const CAUGHT_UP_HOLD_S = 5;
const MAX_WARMUP_S = 120;
const PARTITIONS = Number(args.partitions);
const ONLY = new Set(args.only!.split(","));
const ROUNDS = Math.max(1, Number(args.rounds));
const PIPELINE_CHILD = "bench/lib/children/pipeline-child.ts";
const PASSTHROUGH_CHILD = "bench/lib/children/passthrough-child.ts";

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const median = (xs: number[]) => {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
};
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  // The code measured: the commit, and whether the tree had uncommitted changes.
  commit: (() => {
    try {
      const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
      const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
        encoding: "utf8",
      }).trim();
      return dirty ? `${head} (with uncommitted changes)` : head;
    } catch {
      return "unknown";
    }
  })(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  loadAverageAtStart: load(),
  settings: {
    records: N,
    batchSizes: BATCH_SIZES,
    batchMaxMs: BATCH_MAX_MS,
    partitions: PARTITIONS,
    // The Node options of every pipeline process of this checkout (throughput, latency, soak, profile).
    pipelineNodeOptions: [...PIPELINE_NODE_OPTIONS],
  },
};
const outDir = new URL("./results/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const profileOut =
  args.out === "pipeline.json" ? "profile-summary.json" : args.out!.replace(/\.json$/, "-profile.json");
const save = () => writeFileSync(join(outDir, args.out!), `${JSON.stringify(results, null, 2)}\n`);

/**
 * Waits, before each measured run, until the machine is quiet: under a tenth of its CPU busy over half a second, at
 * most 20 s. What one run leaves behind (the broker flushing and cleaning its logs and writing transaction markers,
 * PostgreSQL checkpointing after a dropped database, a child process exiting) is otherwise charged to the next run.
 * In one run of the same code on both sides of --compare, the side that always ran right after another pipeline got
 * 0.77 of the other's rate; with this wait and the two side by side, the same comparison gave 1.03 (per round
 * 0.90-1.07), which is this machine's noise. Returns the milliseconds waited.
 */
async function settle(): Promise<number> {
  const start = Date.now();
  let before = machineTicks();
  while (before) {
    await sleep(500);
    const now = machineTicks();
    if (!now || now.busy - before.busy < 0.1 * (now.total - before.total) || Date.now() - start > 20_000)
      break;
    before = now;
  }
  return Date.now() - start;
}

// ---------------------------------------------------------------------------------------------------------------
// Input data

/** Synthetic raw records; with noteBytes, clinical notes padded with clinical (non-identifying) text to that size. */
function makeRecords(count: number, noteBytes?: number, seed = 7): PatientRecordJson[] {
  const g = createGenerator({ seed, patients: Math.max(100, Math.ceil(count / 4)) });
  const out: PatientRecordJson[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const r = g.next();
    if (noteBytes !== undefined) {
      let note = r.clinical_notes ?? "";
      let k = i;
      while (note.length < noteBytes) note += ` ${CLINICAL_DECOYS[k++ % CLINICAL_DECOYS.length]}.`;
      r.clinical_notes = note.slice(0, noteBytes);
    }
    out[i] = r;
  }
  return out;
}

interface Encoded {
  key: Buffer;
  value: Buffer;
}

async function produceAll(
  endpoints: StackEndpoints,
  topic: string,
  records: PatientRecordJson[],
): Promise<Encoded[]> {
  await registerSchemas({
    registryUrl: endpoints.SCHEMA_REGISTRY_URL,
    rawTopic: topic,
    anonymisedTopic: `${topic}-unused`,
  });
  const producer = await RawRecordProducer.create({
    bootstrap: setup.bootstrap(endpoints),
    registryUrl: endpoints.SCHEMA_REGISTRY_URL,
    topic,
  });
  const encoded = records.map((r) => ({ key: Buffer.from(r.patient_id), value: producer.encode(r) }));
  try {
    // Sends of at most ~512 KB: one produce request per partition must stay under the broker's message.max.bytes.
    for (let i = 0; i < encoded.length; ) {
      let bytes = 0;
      let j = i;
      while (j < encoded.length && j - i < 2000 && bytes < 512_000) bytes += encoded[j++]!.value.length;
      await producer.sendRaw(encoded.slice(i, j));
      i = j;
    }
  } finally {
    await producer.close();
  }
  return encoded;
}

// ---------------------------------------------------------------------------------------------------------------
// Throughput runs

const STATE_DIR = process.env["STACK_STATE_DIR"] ?? "/tmp/bench-stack";

/**
 * CPU ms per 1,000 records: the measured process (from the child's own clock), its parts where the child reports
 * them (main thread, worker threads, V8's helper threads, the rest), and the stack's servers.
 */
function cpuPer1000(
  started: Record<string, unknown>,
  done: Record<string, unknown>,
  count: number,
  stack: ReturnType<typeof cpuDelta>,
): Record<string, number> {
  const own = ((done["cpuMicros"] as number) - (started["cpuMicros"] as number)) / 1000;
  const per = (ms: number) => round((ms * 1000) / count, 1);
  const threadsBefore = started["threadCpuMs"] as Record<string, number> | undefined;
  const threadsAfter = done["threadCpuMs"] as Record<string, number> | undefined;
  const threads: Record<string, number> = {};
  if (threadsBefore && threadsAfter) {
    for (const [part, ms] of Object.entries(threadsAfter))
      threads[`thread:${part}`] = per(ms - (threadsBefore[part] ?? 0));
  }
  return {
    process: per(own),
    ...threads,
    ...(stack
      ? { kafka: per(stack.kafkaMs), postgres: per(stack.postgresMs), registry: per(stack.registryMs) }
      : {}),
  };
}

/** The parts of the pipeline's process that its bench child reports CPU for (bench/lib/stack-cpu.ts threadCpu). */
const THREAD_PARTS = ["main", "workers", "v8", "other"] as const;
const THREAD_PART_LABELS: Record<(typeof THREAD_PARTS)[number], string> = {
  main: "main thread (I/O, bookkeeping)",
  workers: "worker threads (decode, anonymise, encode)",
  v8: "V8 helpers (GC, compiler)",
  other: "other (libuv pool)",
};

/**
 * The steady-state figures: from the moment a fifth of the records were committed (start-up, group join and JIT
 * warm-up behind) to the last one. These are the rates and CPU costs the goal table compares.
 */
function steadyWindow(
  mark: Record<string, unknown>,
  done: Record<string, unknown>,
  stack: ReturnType<typeof cpuDelta>,
): {
  steady: { records: number; seconds: number };
  recordsPerSecond: number;
  cpuMsPer1000: Record<string, number>;
} {
  const records = (done["committed"] as number) - (mark["committed"] as number);
  const seconds = ((done["at"] as number) - (mark["at"] as number)) / 1000;
  return {
    steady: { records, seconds: round(seconds, 2) },
    recordsPerSecond: round(records / seconds),
    cpuMsPer1000: cpuPer1000(mark, done, records, stack),
  };
}

interface RunResult {
  kind: string;
  batchSize: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  loadAverage: number[];
  [key: string]: unknown;
}

async function runPassthrough(
  endpoints: StackEndpoints,
  rawTopic: string,
  count: number,
  batchSize: number,
  transactional: boolean,
  retryDelayMs?: number,
): Promise<RunResult> {
  const target = setup.uniqueName("pass");
  await setup.topics(endpoints, [{ name: target, partitions: PARTITIONS }]);
  const child = new BenchChild(PASSTHROUGH_CHILD, {
    KAFKA_BOOTSTRAP_SERVERS: endpoints.KAFKA_BOOTSTRAP_SERVERS,
    SOURCE_TOPIC: rawTopic,
    TARGET_TOPIC: target,
    CONSUMER_GROUP: setup.uniqueName("pass-group"),
    BATCH_MAX_RECORDS: String(batchSize),
    BATCH_MAX_MS: String(BATCH_MAX_MS),
    BENCH_TRANSACTIONAL: transactional ? "1" : "0",
    BENCH_EXPECTED: String(count),
    ...(retryDelayMs === undefined ? {} : { BENCH_RETRY_DELAY_MS: String(retryDelayMs) }),
  });
  try {
    const started = await child.waitFor("started", 60_000);
    const cpuBefore = stackCpu(STATE_DIR);
    const mark = await child.waitFor("mark", 600_000);
    const cpuAtMark = stackCpu(STATE_DIR);
    const done = await child.waitFor("done", 600_000);
    const cpuAfter = stackCpu(STATE_DIR);
    const final = await child.stop();
    const seconds = ((done["at"] as number) - (started["at"] as number)) / 1000;
    return {
      kind:
        (transactional ? "passthrough (transactional)" : "passthrough (at least once)") +
        (retryDelayMs === undefined ? "" : `, client retryDelay ${retryDelayMs} ms`),
      batchSize,
      records: count,
      seconds: round(seconds, 2),
      loadAverage: load(),
      phases: final?.["totals"],
      rssMb: final?.["rssMb"],
      recordsPerSecondWhole: round(count / seconds),
      cpuMsPer1000Whole: cpuPer1000(started, done, count, cpuDelta(cpuBefore, cpuAfter)),
      ...steadyWindow(mark, done, cpuDelta(cpuAtMark, cpuAfter)),
    };
  } finally {
    if (child.proc.exitCode === null) child.proc.kill("SIGKILL");
  }
}

async function runPipeline(
  endpoints: StackEndpoints,
  rawTopic: string,
  count: number,
  batchSize: number,
  options: {
    execArgv?: string[];
    replicas?: number;
    extra?: Record<string, string>;
    label?: string;
    timeoutMs?: number;
    /** The pipeline child of another checkout (--compare) instead of this one's. */
    script?: string;
    /** The Node options that checkout ships with (shippedNodeOptions); this checkout's by default. */
    nodeOptions?: readonly string[];
  } = {},
): Promise<RunResult> {
  const p = await setup.pipelineEnv(endpoints, {
    rawTopic,
    partitions: PARTITIONS,
    batchMaxRecords: batchSize,
    batchMaxMs: BATCH_MAX_MS,
    ...(options.extra ? { extra: options.extra } : {}),
  });
  const replicas = options.replicas ?? 1;
  const nodeOptions = options.nodeOptions ?? PIPELINE_NODE_OPTIONS;
  const children = Array.from({ length: replicas }, (_, i) =>
    pipelineChild(
      options.script ?? PIPELINE_CHILD,
      { ...p.env, INSTANCE_ID: `bench-${i}`, BENCH_EXPECTED: replicas === 1 ? String(count) : "0" },
      options.execArgv ?? [],
      nodeOptions,
    ),
  );
  try {
    const starts = await Promise.all(children.map((c) => c.waitFor("started", 120_000)));
    const t0 = Math.min(...starts.map((s) => s["at"] as number));
    const cpuBefore = stackCpu(STATE_DIR);
    let tEnd: number;
    let done: Record<string, unknown> | undefined;
    let mark: Record<string, unknown> | undefined;
    let cpuAtMark: ReturnType<typeof stackCpu>;
    if (replicas === 1) {
      try {
        mark = await children[0]!.waitFor("mark", options.timeoutMs ?? 900_000);
        cpuAtMark = stackCpu(STATE_DIR);
        done = await children[0]!.waitFor("done", options.timeoutMs ?? 900_000);
        tEnd = done["at"] as number;
      } catch (error) {
        const counts = await setup.dbCounts(p.databaseUrl).catch(() => undefined);
        log(`  run did not finish: ${String(error).split("\n")[0]}`);
        return {
          kind: options.label ?? "pipeline (exactly once)",
          batchSize,
          records: count,
          seconds: Number.NaN,
          recordsPerSecond: 0,
          loadAverage: load(),
          error: String(error).split("\n")[0],
          database: counts,
          // The child's last log lines (value-free: the pipeline logs codes, never record contents).
          outputTail: children[0]!.output.slice(-2_000),
          rssMaxMb: [],
        };
      }
    } else {
      // Replicas split the partitions: done when the database holds every offset (polled; ±50 ms).
      for (;;) {
        const c = await setup.dbCounts(p.databaseUrl).catch(() => undefined);
        if (c && c.offsets >= count) break;
        await sleep(50);
      }
      tEnd = Date.now();
    }
    const cpuAfter = stackCpu(STATE_DIR);
    const finals = await Promise.all(children.map((c) => c.stop()));
    const counts = await setup.dbCounts(p.databaseUrl);
    const missing = await setup.missingOffsets(p.databaseUrl);
    if (missing.length > 0)
      log(`  EXACTLY-ONCE VIOLATION: offsets committed without rows: ${JSON.stringify(missing)}`);
    const seconds = (tEnd - t0) / 1000;
    const totals = finals.map((f) => f?.["totals"] as Record<string, number> | undefined);
    const sum = (k: string) => totals.reduce((n, t) => n + (t?.[k] ?? 0), 0);
    return {
      kind: options.label ?? (replicas === 1 ? "pipeline (exactly once)" : `pipeline × ${replicas} replicas`),
      // The Node options this run's pipeline processes were started with (another commit's with --compare).
      nodeOptions: [...nodeOptions],
      batchSize,
      records: count,
      seconds: round(seconds, 2),
      recordsPerSecond: round(count / seconds),
      recordsPerSecondWhole: round(count / seconds),
      loadAverage: load(),
      database: counts,
      databaseComplete:
        counts.rows + counts.withheld + counts.deadLetters === count && counts.offsets === count,
      missingOffsets: missing,
      batches: sum("batches"),
      // Wall time inside the batch loop, per phase (one batch in flight, so these add up to the busy time).
      phaseSeconds: {
        process: round(sum("processMs") / 1000, 2),
        store: round(sum("storeMs") / 1000, 2),
        kafka: round(sum("kafkaMs") / 1000, 2),
      },
      rssMaxMb: finals.map((f) => round((f?.["rssMaxMb"] as number) ?? 0)),
      eventLoopMs: finals.map((f) => f?.["eventLoopMs"]),
      ...(done
        ? { cpuMsPer1000Whole: cpuPer1000(starts[0]!, done, count, cpuDelta(cpuBefore, cpuAfter)) }
        : {}),
      ...(done && mark ? steadyWindow(mark, done, cpuDelta(cpuAtMark, cpuAfter)) : {}),
    };
  } finally {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
    await setup.dropDatabase(endpoints, p.databaseUrl).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Latency: open loop, fixed schedule; each record's Kafka timestamp is its scheduled send time, so a producer that
// falls behind shows up as latency instead of hiding it (no coordinated omission).

async function runLatency(
  endpoints: StackEndpoints,
  encoded: Encoded[],
  rate: number,
  seconds: number,
  batchSize: number,
) {
  const rawTopic = setup.uniqueName("lat-raw");
  await setup.topics(endpoints, [{ name: rawTopic, partitions: PARTITIONS }]);
  const p = await setup.pipelineEnv(endpoints, {
    rawTopic,
    partitions: PARTITIONS,
    batchMaxRecords: batchSize,
    batchMaxMs: BATCH_MAX_MS,
  });
  const child = pipelineChild(PIPELINE_CHILD, { ...p.env, INSTANCE_ID: "bench-latency" });
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    clientId: "bench-open-loop",
    bootstrapBrokers: setup.bootstrap(endpoints),
    acks: -1,
    partitioner: compatibilityPartitioner,
  });
  try {
    await child.waitFor("started", 120_000);
    const t0 = Date.now() + 100;
    // The window measured starts once the pipeline has caught up with the schedule: at least MIN_WARMUP_S after the
    // first record is due, and once every batch committed over CAUGHT_UP_HOLD_S had its oldest record wait no longer
    // than CAUGHT_UP_MS. A pipeline that starts while records already arrive begins behind (its consumer group joins,
    // its threads load and compile), or commits a first batch at once and falls behind after it while its threads
    // compile: the backlog of its start is worked off in the first quarter minute or so, and a fixed five-second
    // warm-up (or a single quick batch) left it in the window, where it made the tail. The start is reported on its
    // own: the time to the first commit, the time to catch up, and the latency of every record, start included.
    // Read by a listener of its own, not a waiter: a waiter would also take a "failed" message that the waits
    // below must see.
    let caughtUpAt: number | undefined;
    const onCaughtUp = (m: Record<string, unknown>) => {
      if (m["type"] === "caughtUp") caughtUpAt = m["at"] as number;
    };
    child.proc.on("message", onCaughtUp);
    child.send({ type: "watchCaughtUp", withinMs: CAUGHT_UP_MS, holdMs: CAUGHT_UP_HOLD_S * 1000 });
    let end = t0 + (MAX_WARMUP_S + seconds) * 1000;
    let warmupSeconds = MAX_WARMUP_S;
    const interval = 1000 / rate;
    let sent = 0;
    let errors = 0;
    let maxBehindMs = 0;
    let reset = false;
    const inflight = new Set<Promise<unknown>>();
    while (Date.now() < end) {
      const now = Date.now();
      if (
        !reset &&
        now >= t0 + MIN_WARMUP_S * 1000 &&
        (caughtUpAt !== undefined || now >= t0 + MAX_WARMUP_S * 1000)
      ) {
        child.send({ type: "reset" });
        reset = true;
        warmupSeconds = (now - t0) / 1000;
        end = now + seconds * 1000;
      }
      const due = Math.floor((now - t0) / interval);
      if (due > sent) {
        maxBehindMs = Math.max(maxBehindMs, now - (t0 + sent * interval));
        const messages = [];
        for (; sent < due; sent++) {
          const base = encoded[sent % encoded.length]!;
          const value = Buffer.from(base.value);
          // record_id (a uuid, the first field: bytes 6..42) made unique per record: last 12 hex digits = counter.
          value.write(sent.toString(16).padStart(12, "0"), 30, "latin1");
          messages.push({
            topic: rawTopic,
            key: base.key,
            value,
            timestamp: BigInt(Math.round(t0 + sent * interval)),
          });
        }
        // At most 1,000 messages per request: after a stall of the box, one request of every overdue record was
        // too large for the broker, and the records it held were never produced.
        for (let from = 0; from < messages.length; from += 1_000) {
          const promise = producer
            .send({ messages: messages.slice(from, from + 1_000) })
            .catch(() => void errors++);
          inflight.add(promise);
          void promise.finally(() => inflight.delete(promise));
        }
      }
      await sleep(2);
    }
    await Promise.all(inflight);
    // Let the pipeline commit what was sent, then read its histogram.
    const deadline = Date.now() + 60_000;
    let report: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      child.send({ type: "report" });
      report = await child.waitFor("report", 10_000);
      if ((report["totals"] as { committed: number }).committed >= sent) break;
      await sleep(200);
    }
    await child.stop();
    child.proc.off("message", onCaughtUp);
    const firstCommitAt = report["firstCommitAt"] as number;
    return {
      targetRate: round(rate),
      seconds,
      warmupSeconds: Number(warmupSeconds.toFixed(1)),
      start: {
        firstCommitSeconds: firstCommitAt > 0 ? Number(((firstCommitAt - t0) / 1000).toFixed(1)) : null,
        caughtUpSeconds: caughtUpAt !== undefined ? Number(((caughtUpAt - t0) / 1000).toFixed(1)) : null,
        caughtUpWithinMs: CAUGHT_UP_MS,
        caughtUpHoldSeconds: CAUGHT_UP_HOLD_S,
        latencyAllMs: report["latencyAllMs"],
      },
      sent,
      producerErrors: errors,
      producerMaxBehindScheduleMs: maxBehindMs,
      committed: (report["totals"] as { committed: number }).committed,
      latencyMs: report["latencyMs"],
      eventLoopMs: report["eventLoopMs"],
      rssMaxMb: round(report["rssMaxMb"] as number),
      // RSS every 5 s over the whole run (warm-up included), for the soak's trend.
      rssSamples: ((report["rssSamples"] as Array<{ t: number; rssMb: number; heapMb: number }>) ?? [])
        .filter((_, i) => i % 5 === 0)
        .map((x) => ({ t: x.t, rssMb: round(x.rssMb), heapMb: round(x.heapMb) })),
      loadAverage: load(),
    };
  } finally {
    await producer.close().catch(() => undefined);
    if (child.proc.exitCode === null) child.proc.kill("SIGKILL");
    await setup.dropDatabase(endpoints, p.databaseUrl).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Apache Kafka Streams doing the same policy (bench/kstreams/, run by bench/lib/kstreams.ts), when it can run here.

interface KafkaStreamsBaseline {
  available: boolean;
  reason?: string;
  describe?: Record<string, unknown>;
  run(rawTopic: string, count: number): Promise<RunResult>;
  /** Runs both systems over the first `count` records and compares their anonymised records field by field. */
  check(rawTopic: string, count: number): Promise<Record<string, unknown>>;
}

async function loadKafkaStreams(endpoints: StackEndpoints): Promise<KafkaStreamsBaseline> {
  const unavailable = (reason: string): KafkaStreamsBaseline => ({
    available: false,
    reason,
    run: () => Promise.reject(new Error(reason)),
    check: () => Promise.reject(new Error(reason)),
  });
  const module = new URL("./lib/kstreams.ts", import.meta.url);
  if (!existsSync(module)) return unavailable("bench/lib/kstreams.ts is not present");
  const { kafkaStreamsBaseline } = (await import(module.href)) as {
    kafkaStreamsBaseline(
      endpoints: StackEndpoints,
      options: { partitions: number; batchMaxMs: number; log: (line: string) => void },
    ): Promise<KafkaStreamsBaseline>;
  };
  return kafkaStreamsBaseline(endpoints, { partitions: PARTITIONS, batchMaxMs: BATCH_MAX_MS, log }).catch(
    (error: unknown) => unavailable(String(error).split("\n")[0] ?? "failed to prepare"),
  );
}

// ---------------------------------------------------------------------------------------------------------------

type LatencyRun = Awaited<ReturnType<typeof runLatency>>;

/** The pipeline's start in an open-loop run: when it first committed, when it caught up, every record's latency. */
function startLine(run: LatencyRun): string {
  const { start } = run;
  const all = start.latencyAllMs as Record<string, number> | undefined;
  return (
    `start: first commit ${start.firstCommitSeconds} s after the first record was due; ` +
    (start.caughtUpSeconds === null
      ? `never caught up within ${MAX_WARMUP_S} s (the window includes the backlog); `
      : `caught up (every batch's oldest record ≤ ${start.caughtUpWithinMs} ms for ${start.caughtUpHoldSeconds} s) from ${start.caughtUpSeconds} s; window from ${run.warmupSeconds} s; `) +
    (all
      ? `every record, start included: p50 ${all["p50"]} ms, p99 ${all["p99"]} ms, p99.9 ${all["p999"]} ms, max ${all["max"]} ms`
      : "")
  );
}

/** The goal table of the throughput issue, from this run's figures, each with its goal and whether it was met. */
function goalTable(): Array<Record<string, unknown>> {
  const summary =
    (results["throughputSummary"] as Array<{ kind: string; rate: number; cpuProcess: number }>) ?? [];
  const rate = (prefix: string) => summary.find((x) => x.kind.startsWith(prefix))?.rate;
  const pipe = rate("pipeline");
  const ks = rate("Kafka Streams");
  const loose = rate("passthrough (at least once)");
  const cpu = summary.find((x) => x.kind.startsWith("pipeline"))?.cpuProcess;
  const lat = results["latency"] as
    | { latencyMs?: Record<string, number>; eventLoopMs?: Record<string, number> }
    | undefined;
  const runs = ((results["throughput"] as { runs?: RunResult[] } | undefined)?.runs ?? []).filter((r) =>
    r.kind.startsWith("pipeline"),
  );
  const loopP99 = median(
    runs.map((r) => (r["eventLoopMs"] as Array<{ p99: number }> | undefined)?.[0]?.p99 ?? Number.NaN),
  );
  const soak = (
    results["scaling"] as { soak?: { rssSamples?: Array<{ t: number; rssMb: number }> } } | undefined
  )?.soak;
  const rss = soak?.rssSamples ?? [];
  // Growth after the first minute (start-up, JIT and pools settle), to the end of the soak.
  const settled = rss.find((x) => x.t >= 60) ?? rss[0];
  const growth = settled && rss.length > 1 ? (rss.at(-1)!.rssMb - settled.rssMb) / settled.rssMb : undefined;
  const row = (
    measure: string,
    value: number | undefined,
    goal: string,
    met: boolean | undefined,
    digits = 0,
  ) => ({
    measure,
    value: value === undefined || Number.isNaN(value) ? "not measured" : round(value, digits),
    goal,
    met: met === undefined ? "" : met ? "yes" : "no",
  });
  const p = lat?.latencyMs;
  return [
    row(
      "end to end, exactly once, Kafka + PostgreSQL (records/s)",
      pipe,
      "≥ 20,000",
      pipe === undefined ? undefined : pipe >= 20_000,
    ),
    row(
      "÷ Kafka Streams, same policy, Kafka only, exactly_once_v2",
      pipe && ks ? pipe / ks : undefined,
      "≥ 3.0",
      pipe && ks ? pipe / ks >= 3 : undefined,
      2,
    ),
    row(
      "÷ at-least-once passthrough with our client",
      pipe && loose ? pipe / loose : undefined,
      "≥ 0.25",
      pipe && loose ? pipe / loose >= 0.25 : undefined,
      3,
    ),
    row(
      "CPU per record in our process (µs)",
      cpu,
      "≤ 50",
      cpu === undefined || Number.isNaN(cpu) ? undefined : cpu <= 50,
      1,
    ),
    row(
      "open loop at 50% of max: p99 ÷ p50",
      p ? p["p99"]! / p["p50"]! : undefined,
      "≤ 3",
      p ? p["p99"]! / p["p50"]! <= 3 : undefined,
      2,
    ),
    row(
      "open loop at 50% of max: p99.9 ÷ p50",
      p ? p["p999"]! / p["p50"]! : undefined,
      "≤ 10",
      p ? p["p999"]! / p["p50"]! <= 10 : undefined,
      2,
    ),
    row(
      "event-loop delay p99 under load (ms)",
      loopP99,
      "≤ 20",
      Number.isNaN(loopP99) ? undefined : loopP99 <= 20,
      1,
    ),
    row(
      "event-loop delay p99, open loop (ms)",
      lat?.eventLoopMs?.["p99"],
      "≤ 20",
      lat?.eventLoopMs ? lat.eventLoopMs["p99"]! <= 20 : undefined,
      1,
    ),
    row(
      `RSS growth over the ${soak ? `${Math.round((rss.at(-1)?.t ?? 0) / 60)}-minute` : ""} soak (%, from ${settled ? round(settled.rssMb) : "?"} MB)`,
      growth === undefined ? undefined : growth * 100,
      "< 10",
      growth === undefined ? undefined : growth < 0.1,
      1,
    ),
  ];
}

function table(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (typeof v === "number" ? v.toLocaleString("en-GB") : String(v ?? ""));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows)
    console.log(
      cols
        .map((c, i) =>
          typeof r[c] === "number" ? cell(r[c]).padStart(widths[i]!) : cell(r[c]).padEnd(widths[i]!),
        )
        .join("  "),
    );
}

/** Medians per kind of run: records per second, CPU per 1,000 records (own process, by thread, broker, PostgreSQL). */
function summariseRuns(kinds: readonly string[], runs: readonly RunResult[]) {
  return kinds.map((kind) => {
    const of = runs.filter((r) => r.kind === kind);
    const rate = median(of.map((r) => r.recordsPerSecond));
    const cpu = (key: string) =>
      median(of.map((r) => (r["cpuMsPer1000"] as Record<string, number> | undefined)?.[key] ?? Number.NaN));
    return {
      kind,
      rate,
      cpuProcess: cpu("process"),
      cpuKafka: cpu("kafka"),
      cpuPostgres: cpu("postgres"),
      // The pipeline's own process by thread (its bench child reports them; other systems do not).
      cpuThreads: Object.fromEntries(
        THREAD_PARTS.map((part) => [part, cpu(`thread:${part}`)]).filter(([, ms]) => !Number.isNaN(ms)),
      ) as Record<string, number>,
      samples: of.map((r) => r.recordsPerSecond),
      cpuSamples: of.map(
        (r) => (r["cpuMsPer1000"] as Record<string, number> | undefined)?.["process"] ?? Number.NaN,
      ),
    };
  });
}

/** A summary's rate and CPU columns, as the throughput tables print them. */
function rateColumns(x: ReturnType<typeof summariseRuns>[number]) {
  return {
    "records/s": round(x.rate),
    "CPU ms/1000, own process": round(x.cpuProcess, 1),
    broker: round(x.cpuKafka, 1),
    PostgreSQL: round(x.cpuPostgres, 1),
    rounds: x.samples.join(" / "),
  };
}

/**
 * ROUNDS rounds of one run of each kind, in alternating order (forward, then reversed) so that drift on the shared
 * machine does not favour one of them, each after the machine has settled; each run is tagged with its round.
 */
async function alternatingRounds<K>(
  measure: string,
  kinds: readonly K[],
  name: (kind: K) => string,
  runOne: (kind: K) => Promise<RunResult>,
  done: (run: RunResult) => void,
): Promise<void> {
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    for (const kind of round_ % 2 === 0 ? kinds : [...kinds].reverse()) {
      const waited = await settle();
      log(
        `${measure} round ${round_ + 1}/${ROUNDS}: ${name(kind)}${waited > 1_000 ? ` (after ${waited} ms for the machine to settle)` : ""}`,
      );
      const run = await runOne(kind);
      run["round"] = round_ + 1;
      log(`  ${run.recordsPerSecond} records/s`);
      done(run);
    }
  }
}

/** The pipeline's own CPU by thread, for the kinds whose child reported it. */
function byThreadTable(summary: ReturnType<typeof summariseRuns>): void {
  const byThread = summary.filter((x) => Object.keys(x.cpuThreads).length > 0);
  if (byThread.length === 0) return;
  table(
    "Where the pipeline's own CPU goes, by thread (steady state, CPU ms per 1,000 records, median of the rounds)",
    byThread.map((x) => ({
      system: x.kind,
      "whole process": round(x.cpuProcess, 1),
      ...Object.fromEntries(THREAD_PARTS.map((part) => [THREAD_PART_LABELS[part], x.cpuThreads[part]])),
    })),
  );
}

/** The Node options a checkout's pipeline ships with: none before app/node-options.ts existed. */
async function shippedNodeOptions(dir: string): Promise<readonly string[]> {
  const file = join(dir, "app/node-options.ts");
  return existsSync(file)
    ? ((await import(file)) as typeof import("../app/node-options.ts")).PIPELINE_NODE_OPTIONS
    : [];
}

async function main(): Promise<void> {
  log(`stack: ports ${process.env["STACK_PORT_BASE"]}+, state ${process.env["STACK_STATE_DIR"]}`);
  const stack = await up({ log });
  const endpoints = stack.endpoints;
  log(`stack ${stack.startedHere ? "started here" : "already up"} (${stack.mode})`);
  // --compare: another commit's pipeline as one more system of the throughput rounds (before/after in one run).
  const baseline = args.compare ? checkoutCommit(args.compare) : undefined;
  const baselineKind = baseline ? `baseline ${baseline.commit}: pipeline (exactly once)` : undefined;
  const baselineScript = baseline ? join(baseline.dir, PIPELINE_CHILD) : undefined;
  const baselineNodeOptions = baseline ? await shippedNodeOptions(baseline.dir) : undefined;
  if (baseline) {
    results["compare"] = {
      commit: baseline.commit,
      kind: baselineKind,
      ownDependencies: baseline.ownDependencies,
    };
    log(
      `baseline ${baseline.commit}: ${baseline.ownDependencies ? "its own dependencies (npm ci: its package-lock.json or patches differ)" : "this checkout's dependencies (the same package-lock.json and patches)"}`,
    );
  }
  try {
    // Pre-produce the input once; every throughput run reads it with a fresh consumer group.
    log(`generating and producing ${N} records`);
    const source = makeRecords(N);
    const rawTopic = setup.uniqueName("raw");
    await setup.topics(endpoints, [{ name: rawTopic, partitions: PARTITIONS }]);
    const encoded = await produceAll(endpoints, rawTopic, source);
    const meanBytes = encoded.reduce((n, e) => n + e.value.length, 0) / encoded.length;
    results["input"] = { records: N, meanValueBytes: round(meanBytes), partitions: PARTITIONS };
    let pipelineMax = 0;

    // Warm-up, not recorded: the first transaction on a fresh broker creates __transaction_state (seconds), and
    // the first pipeline start compiles schemas and JIT-warms; neither belongs in the first measured run.
    log("warm-up: one transactional passthrough and one pipeline over the first records");
    await runPassthrough(endpoints, rawTopic, Math.min(N, 2000), 500, true);
    await runPipeline(endpoints, rawTopic, Math.min(N, 2000), 500);
    if (baselineScript)
      await runPipeline(endpoints, rawTopic, Math.min(N, 2000), 500, {
        script: baselineScript,
        nodeOptions: baselineNodeOptions,
      });

    if (ONLY.has("throughput")) {
      // Each system from a fresh consumer group, over the same pre-produced input; ROUNDS rounds in alternating
      // order so that drift on the shared machine does not favour one of them; medians are compared.
      const kstreams =
        ONLY.has("kstreams") || !args["no-kstreams"] ? await loadKafkaStreams(endpoints) : undefined;
      const kinds = ["passthrough (at least once)", "passthrough (transactional)", "pipeline (exactly once)"];
      if (kstreams?.available) kinds.push("Kafka Streams (exactly_once_v2)");
      // The other commit's pipeline right before this one's: in the reversed rounds right after it.
      if (baselineKind) kinds.splice(kinds.indexOf("pipeline (exactly once)"), 0, baselineKind);
      const batchSize = BATCH;
      const runs: RunResult[] = [];
      await alternatingRounds(
        "throughput",
        kinds,
        (kind) => kind,
        (kind) => {
          if (kind.startsWith("pipeline") || kind === baselineKind)
            return runPipeline(endpoints, rawTopic, N, batchSize, {
              timeoutMs: Math.max(90_000, N * 5),
              ...(kind === baselineKind
                ? { script: baselineScript, nodeOptions: baselineNodeOptions, label: baselineKind }
                : {}),
            });
          if (kind.startsWith("Kafka Streams")) return kstreams!.run(rawTopic, N);
          return runPassthrough(endpoints, rawTopic, N, batchSize, kind.includes("transactional"));
        },
        (run) => {
          runs.push(run);
          results["throughput"] = { rounds: ROUNDS, batchSize, runs, kafkaStreams: kstreams?.describe };
          save();
        },
      );
      const summary = summariseRuns(kinds, runs);
      const pipe = summary.find((x) => x.kind.startsWith("pipeline"))!;
      pipelineMax = pipe.rate;
      results["throughputSummary"] = summary;
      save();
      if (kstreams && !kstreams.available) log(`Kafka Streams baseline not run: ${kstreams.reason}`);
      if (kstreams?.available) {
        log("Kafka Streams baseline: field-by-field check of its output against the pipeline's");
        const check = (await kstreams.check(rawTopic, Math.min(N, 5_000))) as Record<string, unknown> & {
          matched?: number;
          identical?: number;
          differingByField?: Record<string, number>;
          onlyInKafkaStreams?: number;
          onlyInPipeline?: number;
          withheld?: { kafkaStreams: number; pipeline: number; samePositionAndReason: number };
          deadLetters?: { kafkaStreams: number; pipeline: number; samePositionAndReason: number };
        };
        results["kafkaStreamsCheck"] = check;
        save();
        table("Kafka Streams against the pipeline, same input (bad records mixed in), field by field", [
          {
            "matched by record_id": check.matched,
            "identical in every field": check.identical,
            "differing fields (count)": JSON.stringify(check.differingByField ?? {}),
            "only in one": `${check.onlyInKafkaStreams ?? "?"} / ${check.onlyInPipeline ?? "?"}`,
            "withheld (KS / ours / same)": check.withheld
              ? `${check.withheld.kafkaStreams} / ${check.withheld.pipeline} / ${check.withheld.samePositionAndReason}`
              : "",
            "dead letters (KS / ours / same)": check.deadLetters
              ? `${check.deadLetters.kafkaStreams} / ${check.deadLetters.pipeline} / ${check.deadLetters.samePositionAndReason}`
              : "",
          },
        ]);
      }
      table(
        `Throughput: ${N} records pre-produced (${round(meanBytes)} B mean), ${PARTITIONS} partitions, batch ${batchSize}, median of ${ROUNDS} rounds; rates and CPU over the steady state (from the 20% mark to the last record)`,
        summary.map((x) => {
          const { "records/s": rate, ...cpu } = rateColumns(x);
          return { system: x.kind, "records/s": rate, "× pipeline": round(x.rate / pipe.rate, 2), ...cpu };
        }),
      );
      byThreadTable(summary);
      const before = summary.find((x) => x.kind === baselineKind);
      if (before) {
        const ratios = {
          commit: baseline!.commit,
          recordsPerSecond: round(pipe.rate / before.rate, 3),
          cpuProcess: round(pipe.cpuProcess / before.cpuProcess, 3),
          cpuKafka: round(pipe.cpuKafka / before.cpuKafka, 3),
          cpuPostgres: round(pipe.cpuPostgres / before.cpuPostgres, 3),
          perRound: pipe.samples.map((x, i) => round(x / (before.samples[i] ?? Number.NaN), 3)),
          // The same round's two runs, side by side: steadier than a ratio of two medians taken from different rounds.
          cpuProcessPerRound: pipe.cpuSamples.map((x, i) =>
            round(x / (before.cpuSamples[i] ?? Number.NaN), 3),
          ),
        };
        results["compareSummary"] = ratios;
        save();
        table(
          `This checkout against ${baseline!.commit}, same run (ratios of the medians; rounds alternate)`,
          [
            {
              "records/s": ratios.recordsPerSecond,
              "CPU per record, own process": ratios.cpuProcess,
              broker: ratios.cpuKafka,
              PostgreSQL: ratios.cpuPostgres,
              "records/s per round": ratios.perRound.join(" / "),
              "CPU per record, per round": `${ratios.cpuProcessPerRound.join(" / ")} (median ${round(median(ratios.cpuProcessPerRound), 3)})`,
            },
          ],
        );
      }
    }

    if (ONLY.has("retry-delay")) {
      // Is the transactional cost the client's retry delay? After EndTxn the coordinator answers the next
      // AddPartitionsToTxn with CONCURRENT_TRANSACTIONS until its markers are written; @platformatic/kafka waits its
      // retryDelay (default 1000 ms) before retrying. Same passthrough, default vs 20 ms.
      const runs = [];
      for (const delay of [undefined, 20]) {
        log(`retry-delay experiment: transactional passthrough, retryDelay ${delay ?? "default"}`);
        runs.push(await runPassthrough(endpoints, rawTopic, N, BATCH, true, delay));
      }
      results["retryDelayExperiment"] = runs;
      save();
      table(
        "Experiment: transactional passthrough, client retryDelay default (1000 ms) vs 20 ms",
        runs.map((r) => ({
          run: r.kind,
          batch: r.batchSize,
          seconds: r.seconds,
          "records/s": r.recordsPerSecond,
          "load avg": r.loadAverage.join(" "),
        })),
      );
    }

    if (ONLY.has("sink")) {
      const rows = Number(args["sink-rows"]);
      log(`sink: PostgresStore.commit vs COPY, ${rows} rows`);
      const sinkRows = makeRecords(rows, undefined, 11).map((r) => ({ ...r, national_data_opt_out: false }));
      const sink = [];
      for (const batchSize of BATCH_SIZES) {
        sink.push({
          ...(await sinkBench(endpoints, sinkRows, { batchSize, rounds: 3 })),
          loadAverage: load(),
        });
        results["sink"] = sink;
        save();
      }
      table(
        "Sink: research-table rows/s, median of 3 alternating rounds (goal: store ≥ 0.6× COPY)",
        sink.map((s) => ({
          batch: s.batchSize,
          rows: s.rows,
          "commit, COPY": round(s.copyCommitRowsPerSecond),
          "commit, unnest INSERT": round(s.unnestCommitRowsPerSecond),
          "COPY all at once": round(s.copySingleRowsPerSecond),
          "COPY/unnest": round(s.ratioCopyToUnnest, 2),
          "commit/COPY all": round(s.ratioCopyCommitToCopySingle, 2),
          "load avg": s.loadAverage.join(" "),
        })),
      );
    }

    if (ONLY.has("latency")) {
      if (pipelineMax === 0) {
        log(`latency: measuring the pipeline maximum first (batch ${BATCH})`);
        pipelineMax = (await runPipeline(endpoints, rawTopic, N, BATCH)).recordsPerSecond;
      }
      const rate = Number(args["latency-rate"] ?? pipelineMax * 0.5);
      const seconds = Number(args["latency-seconds"]);
      log(
        `latency: open loop at ${round(rate)} records/s for ${seconds} s after the pipeline has caught up (at least ${MIN_WARMUP_S} s), batch ${BATCH}`,
      );
      const lat = await runLatency(endpoints, encoded, rate, seconds, BATCH);
      results["latency"] = { ...lat, pipelineMaxRecordsPerSecond: pipelineMax };
      save();
      const l = lat.latencyMs as Record<string, number>;
      const e = lat.eventLoopMs as Record<string, number>;
      table(
        `Latency: open loop at ${round(rate)} records/s (50% of ${pipelineMax}) for ${seconds} s; commit − Kafka timestamp (goals: p99 ≤ 3×p50, p99.9 ≤ 10×p50, event loop p99 ≤ 20 ms)`,
        [
          {
            records: l["count"],
            "p50 ms": l["p50"],
            "p99 ms": l["p99"],
            "p99.9 ms": l["p999"],
            "max ms": l["max"],
            "p99/p50": round(l["p99"]! / l["p50"]!, 2),
            "p99.9/p50": round(l["p999"]! / l["p50"]!, 2),
            "loop p99 ms": round(e["p99"]!, 1),
            "producer behind max ms": lat.producerMaxBehindScheduleMs,
            "load avg": lat.loadAverage.join(" "),
          },
        ],
      );
      console.log(startLine(lat));
    }

    if (ONLY.has("profile")) {
      const dir = mkdtempSync(join(tmpdir(), "bench-cpuprof-"));
      log(`profile: pipeline with --cpu-prof over ${N} records (batch ${BATCH}), profiles in ${dir}`);
      const run = await runPipeline(endpoints, rawTopic, N, BATCH, {
        execArgv: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
        label: "pipeline under --cpu-prof",
      });
      const summary = {
        ...summariseProfiles(dir),
        run: {
          recordsPerSecond: run.recordsPerSecond,
          phaseSeconds: run["phaseSeconds"],
          loadAverage: run.loadAverage,
        },
      };
      writeFileSync(join(outDir, profileOut), `${JSON.stringify(summary, null, 2)}\n`);
      results["profile"] = {
        byArea: summary.byArea.slice(0, 12),
        top10: summary.topFunctions.slice(0, 10),
        run: summary.run,
      };
      save();
      // BENCH_KEEP_PROFILES=1 keeps the raw .cpuprofile files (one per thread) for a closer look.
      if (!process.env["BENCH_KEEP_PROFILES"]) rmSync(dir, { recursive: true, force: true });
      table(
        "Profile: self time by area (pipeline process)",
        summary.byArea.slice(0, 12).map((a) => ({ area: a.area, "self ms": a.selfMs, "%": a.percent })),
      );
      table(
        "Profile: top self-time functions",
        summary.topFunctions
          .slice(0, 15)
          // A regular expression's name is its whole source: cut to keep the table readable (the summary file has it).
          .map((f) => ({
            function: f.function.length > 60 ? `${f.function.slice(0, 59)}…` : f.function,
            where: f.where,
            "self ms": f.selfMs,
            "%": f.percent,
          })),
      );
    }

    const scaling: Record<string, unknown> = {};
    let soakRun: LatencyRun | undefined;
    const scalingRows: Array<RunResult & { noteBytes?: number; megabytesPerSecond?: number }> = [];
    if (ONLY.has("replicas")) {
      log(`scaling: 1 vs 2 replicas (batch ${BATCH})`);
      const one = await runPipeline(endpoints, rawTopic, N, BATCH);
      // Two replicas started together: the second joins while the first holds fetched, uncommitted records, so each
      // trial also exercises the rebalance path (the gap check reports any offset committed without a row).
      const twos = [];
      for (let trial = 0; trial < Number(args["replica-trials"]); trial++) {
        twos.push(await runPipeline(endpoints, rawTopic, N, BATCH, { replicas: 2 }));
      }
      scaling["replicas"] = [one, ...twos];
      scalingRows.push(one, ...twos);
      results["scaling"] = scaling;
      save();
    }
    if (ONLY.has("record-size")) {
      // The scrubber refuses notes over 10,000 characters (ANON_TEXT_TOO_LONG, dead-lettered by design): 9 KB is the
      // largest that is anonymised; 20 KB shows what a batch of oversize records does to the Kafka transaction.
      const sizeRuns = [];
      for (const noteBytes of [200, 2_000, 9_000, 20_000]) {
        const count = Math.min(N, Math.max(3_000, Math.round(20_000_000 / (noteBytes + 600))));
        log(`scaling: clinical notes ~${noteBytes} B, ${count} records`);
        const topic = setup.uniqueName(`size${noteBytes}`);
        await setup.topics(endpoints, [{ name: topic, partitions: PARTITIONS }]);
        const enc = await produceAll(endpoints, topic, makeRecords(count, noteBytes, 13));
        const bytes = enc.reduce((n, e) => n + e.value.length, 0) / enc.length;
        const r = await runPipeline(endpoints, topic, count, BATCH, {
          extra: { MAX_RECORD_BYTES: "1048576" },
          // A completing run takes seconds; a stuck one (README, finding 3) should not eat the time budget.
          timeoutMs: Math.max(60_000, count * 10),
        });
        const row = {
          noteBytes,
          meanValueBytes: round(bytes),
          ...r,
          megabytesPerSecond: round((r.recordsPerSecond * bytes) / 1e6, 2),
        };
        sizeRuns.push(row);
        scalingRows.push(row);
        scaling["recordSize"] = sizeRuns;
        results["scaling"] = scaling;
        save();
      }
    }
    if (ONLY.has("notes-absent")) {
      // The same records with no clinical note: the whole exactly-once path (decode, every other field's policy,
      // encode, the Kafka transaction, PostgreSQL) with nothing for the free-text scrubber to read, against the
      // records as generated, alternating in the same run. The difference is what the scrubber costs the pipeline
      // on these cores; the records are smaller too (mean bytes reported), so it is not the scrubber's cost alone.
      const topic = setup.uniqueName("nonotes");
      await setup.topics(endpoints, [{ name: topic, partitions: PARTITIONS }]);
      const noNotes = await produceAll(
        endpoints,
        topic,
        source.map((r) => ({ ...r, clinical_notes: null })),
      );
      const noNotesBytes = noNotes.reduce((n, e) => n + e.value.length, 0) / noNotes.length;
      const kinds = [
        { kind: "pipeline, notes as generated", topic: rawTopic, meanValueBytes: round(meanBytes) },
        { kind: "pipeline, no notes", topic, meanValueBytes: round(noNotesBytes) },
      ];
      const runs: RunResult[] = [];
      await alternatingRounds(
        "notes absent",
        kinds,
        (k) => k.kind,
        (k) =>
          runPipeline(endpoints, k.topic, N, BATCH, { label: k.kind, timeoutMs: Math.max(90_000, N * 5) }),
        (run) => runs.push(run),
      );
      const summary = summariseRuns(
        kinds.map((k) => k.kind),
        runs,
      );
      results["notesAbsent"] = {
        rounds: ROUNDS,
        kinds,
        runs,
        summary: summary.map((x) => ({ ...x, rate: round(x.rate) })),
      };
      save();
      table(
        `The pipeline with and without clinical notes: ${N} records, batch ${BATCH}, median of ${ROUNDS} alternating rounds (steady state)`,
        summary.map((x, i) => ({ run: x.kind, "mean bytes": kinds[i]!.meanValueBytes, ...rateColumns(x) })),
      );
      byThreadTable(summary);
    }
    if (ONLY.has("soak")) {
      const soakSeconds = Number(args["soak-seconds"]);
      const rate = pipelineMax > 0 ? pipelineMax * 0.5 : Number(args["latency-rate"] ?? 1000);
      log(`scaling: RSS soak for ${soakSeconds} s at ${round(rate)} records/s`);
      if (soakSeconds > 0) {
        soakRun = await runLatency(endpoints, encoded, rate, soakSeconds, BATCH);
        scaling["soak"] = soakRun;
      }
      results["scaling"] = scaling;
      save();
    }
    if (scalingRows.length > 0) {
      table(
        `Scaling: replicas (batch ${BATCH}) and clinical-note size`,
        scalingRows.map((r) => ({
          run: r.kind + (r.noteBytes === undefined ? "" : `, notes ~${r.noteBytes} B`),
          records: r.records,
          "records/s": r.recordsPerSecond,
          "MB/s": r.megabytesPerSecond ?? "",
          "RSS max MB": (r["rssMaxMb"] as number[]).join(" / "),
          complete: r["missingOffsets"] === undefined ? "" : (r["missingOffsets"] as unknown[]).length === 0,
          "load avg": r.loadAverage.join(" "),
          error: r["error"] ? String(r["error"]).slice(0, 50) : "",
        })),
      );
    }
    if (soakRun) {
      const rss = soakRun.rssSamples;
      const latency = soakRun.latencyMs as Record<string, number>;
      console.log(
        `\nSoak: ${soakRun.seconds} s at ${soakRun.targetRate} records/s: RSS max ${soakRun.rssMaxMb} MB` +
          (rss.length > 1 ? `, first ${round(rss[0]!.rssMb)} MB, last ${round(rss.at(-1)!.rssMb)} MB` : "") +
          `, latency p50/p99 ${latency["p50"]}/${latency["p99"]} ms`,
      );
      console.log(startLine(soakRun));
    }
    const goals = goalTable();
    results["goals"] = goals;
    save();
    table("Goals (this run)", goals);
  } finally {
    baseline?.remove();
    results["loadAverageAtEnd"] = load();
    results["finishedAt"] = new Date().toISOString();
    save();
    if (stack.startedHere && !args["keep-stack"]) {
      log("stopping the stack this run started");
      await stack.stop();
    }
  }
  console.log(
    `\nLoad average at start ${(results["loadAverageAtStart"] as number[]).join(" ")}, at end ${load().join(" ")} (${cpus().length} cores). Results: bench/results/${args.out}`,
  );
}

await main();
process.exit(0);
