/**
 * The production pipeline (app/pipeline.ts startPipeline, unchanged) in its own process, with a benchmark observer
 * attached through the metrics object: committed-record count, per-phase batch time, end-to-end latency (commit time
 * minus the Kafka timestamp, HDR histogram), event-loop delay and RSS. Talks to bench/run.ts over IPC.
 * Configuration: the pipeline's own environment variables plus BENCH_EXPECTED (records after which "done" is sent).
 */
import hdr from "hdr-histogram-js";
import { startPipeline } from "../../../app/pipeline.ts";
import { loadConfig } from "../../../ops/config.ts";
import { createLogger } from "../../../ops/logger.ts";
import { EventLoopDelay, PipelineMetrics } from "../../../ops/metrics.ts";
import type { RuntimeObserver } from "../../../topology/index.ts";
import { threadCpu } from "../stack-cpu.ts";

/** CPU time of this process, every thread (worker threads included), in microseconds. */
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

type BatchInfo = Parameters<NonNullable<RuntimeObserver["batchCommitted"]>>[0];

const expected = Number(process.env["BENCH_EXPECTED"] ?? 0);
const send = (message: Record<string, unknown>) => process.send?.(message);

const histogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });
/** Latency since the last "reset" (the measured window). */
let latency = histogram();
/** Latency of every record committed, start-up included: never reset. */
const latencyAll = histogram();
/** When the first batch was committed (epoch ms), 0 before. */
let firstCommitAt = 0;
/**
 * While above 0: the longest wait, in ms, of a batch's oldest record that counts as caught up with the producer's
 * schedule. Once every batch has stayed within it for caughtUpHoldMs, "caughtUp" is reported and the watch ends.
 */
let caughtUpWithinMs = 0;
let caughtUpHoldMs = 0;
/** When the current run of batches within caughtUpWithinMs began (0: the last batch was not within it). */
let calmSince = 0;
const loop = new EventLoopDelay();
loop.enable();
const totals = {
  committed: 0,
  batches: 0,
  processMs: 0,
  storeMs: 0,
  kafkaMs: 0,
  anonymised: 0,
  withheld: 0,
  deadLetters: 0,
};
let doneSent = false;
let markSent = false;
const STEADY_FROM = 0.2;
let rssMax = 0;
const rssSamples: Array<{ t: number; rssMb: number; heapMb: number }> = [];
const startedAt = Date.now();
const rssTimer = setInterval(() => {
  const m = process.memoryUsage();
  rssMax = Math.max(rssMax, m.rss);
  rssSamples.push({
    t: Math.round((Date.now() - startedAt) / 1000),
    rssMb: m.rss / 2 ** 20,
    heapMb: m.heapUsed / 2 ** 20,
  });
}, 1_000);
rssTimer.unref();

function onBatch(info: BatchInfo): void {
  const now = Date.now();
  totals.committed += info.records;
  totals.batches++;
  totals.processMs += info.processMs;
  totals.storeMs += info.storeMs;
  totals.kafkaMs += info.kafkaMs;
  totals.anonymised += info.stores.get("anonymised") ?? 0;
  totals.withheld += info.stores.get("withheld") ?? 0;
  totals.deadLetters += info.deadLetters;
  if (firstCommitAt === 0) firstCommitAt = now;
  let oldest = 0;
  for (const ts of info.timestamps) {
    const waited = Math.max(1, now - Number(ts));
    latency.recordValue(waited);
    latencyAll.recordValue(waited);
    if (waited > oldest) oldest = waited;
  }
  // Caught up once every batch has stayed within the bound for caughtUpHoldMs: a first batch committed quickly is
  // not enough, since a pipeline can fall behind after it while its threads compile.
  if (caughtUpWithinMs > 0 && info.timestamps.length > 0) {
    if (oldest > caughtUpWithinMs) calmSince = 0;
    else {
      if (calmSince === 0) calmSince = now;
      if (now - calmSince >= caughtUpHoldMs) {
        caughtUpWithinMs = 0;
        send({ type: "caughtUp", at: calmSince });
      }
    }
  }
  // The steady-state window starts once a fifth of the records are in (start-up and JIT warm-up behind it).
  if (!markSent && expected > 0 && totals.committed >= expected * STEADY_FROM) {
    markSent = true;
    // The event loop's delay under load is read over the same steady state as the rates and the CPU: the process's
    // start (module loading, schema look-ups, the first compilations) is behind the mark.
    loop.reset();
    send({
      type: "mark",
      at: now,
      committed: totals.committed,
      cpuMicros: cpuMicros(),
      threadCpuMs: threadCpu(),
    });
  }
  if (!doneSent && expected > 0 && totals.committed >= expected) {
    doneSent = true;
    send({
      type: "done",
      at: now,
      committed: totals.committed,
      cpuMicros: cpuMicros(),
      threadCpuMs: threadCpu(),
    });
  }
}

class BenchMetrics extends PipelineMetrics {
  override observer(stores: { anonymised: string; withheld: string; deadLetters: string }): RuntimeObserver {
    const base = super.observer(stores);
    return {
      ...base,
      batchCommitted: (info) => {
        base.batchCommitted?.(info);
        onBatch(info);
      },
    };
  }
}

/** A latency histogram's count, percentiles (ms), maximum and mean. */
function summary(h: ReturnType<typeof histogram>): Record<string, number> {
  return {
    count: h.totalCount,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    mean: h.mean,
  };
}

function report(): Record<string, unknown> {
  const m = process.memoryUsage();
  return {
    type: "report",
    totals,
    latencyMs: summary(latency),
    latencyAllMs: summary(latencyAll),
    firstCommitAt,
    eventLoopMs: { p50: loop.percentileMs(50), p99: loop.percentileMs(99), max: loop.maxMs() },
    rssMb: m.rss / 2 ** 20,
    rssMaxMb: Math.max(rssMax, m.rss) / 2 ** 20,
    rssSamples,
  };
}

const config = loadConfig(process.env);
const logger = createLogger({ level: config.logLevel });
const pipeline = await startPipeline(config, logger, { http: false, metrics: new BenchMetrics() });
send({ type: "started", at: Date.now(), cpuMicros: cpuMicros() });
pipeline.runtime.done.catch((error: unknown) => {
  send({ type: "failed", error: String(error) });
  process.exit(1);
});

process.on("message", (message: { type: string; withinMs?: number; holdMs?: number }) => {
  if (message.type === "watchCaughtUp") {
    caughtUpWithinMs = Number(message.withinMs);
    caughtUpHoldMs = Number(message.holdMs ?? 0);
  } else if (message.type === "reset") {
    latency.destroy();
    latency = histogram();
    loop.reset();
    rssMax = 0;
  } else if (message.type === "report") {
    send(report());
  } else if (message.type === "stop") {
    const final = report();
    pipeline.stop().then(
      () => {
        send({ ...final, type: "stopped" });
        // Let the IPC message leave before exiting (and let --cpu-prof write its file).
        setTimeout(() => process.exit(0), 100);
      },
      () => process.exit(1),
    );
  }
});
