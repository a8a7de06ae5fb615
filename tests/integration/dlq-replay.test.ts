import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayDeadLetters } from "../../app/dlq-replay.ts";
import type { RunningPipeline } from "../../app/pipeline.ts";
import { poison } from "../../dev/producer/poison.ts";
import { createGenerator } from "../../dev/synthetic/index.ts";
import { createLogger } from "../../ops/logger.ts";
import {
  counts,
  database,
  eventually,
  type PipelineEnv,
  preparePipelineEnv,
  rawProducer,
  readTopic,
  startInProcess,
} from "../support/pipeline.ts";
import { stack } from "../support/stack.ts";

describe("dlq:replay re-injects dead letters into the raw topic exactly once", () => {
  let env: PipelineEnv;
  let pipeline: RunningPipeline;
  let db: ReturnType<typeof database>;

  beforeAll(async () => {
    env = await preparePipelineEnv("replaydlq");
    db = database(env.databaseUrl);
    const producer = await rawProducer(env);
    const generator = createGenerator({ seed: 3, patients: 10 });
    const good = Array.from({ length: 5 }, () => generator.next()).map((r) => ({
      ...r,
      national_data_opt_out: false,
    }));
    await producer.send(good);
    const bad = [];
    for (const kind of [
      "wrong-magic",
      "wrong-magic",
      "wrong-magic",
      "unknown-schema",
      "unknown-schema",
    ] as const) {
      const r = generator.next();
      bad.push({ key: Buffer.from(r.patient_id), value: poison(kind, producer.encode(r), r.source_system) });
    }
    await producer.sendRaw(bad);
    await producer.close();
    pipeline = await startInProcess(env, {}, { logger: createLogger({ level: "error" }) });
    expect(
      await eventually(async () => (await counts(db)).deadLetters === 5 && (await counts(db)).rows === 5),
    ).toBe(true);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await db?.$pool.end();
  });

  it("replays only the chosen reason, once, and a second run replays nothing", async () => {
    const bootstrap = stack().KAFKA_BOOTSTRAP_SERVERS.split(",");
    const options = {
      bootstrap,
      deadLetterTopic: env.deadLetterTopic,
      rawTopic: env.rawTopic,
      reason: "SCHEMA_UNKNOWN_ID",
      idleMs: 2_000,
    };
    // Stopped while replaying, so that no new dead letter arrives between the two runs.
    await pipeline.stop();
    const dry = await replayDeadLetters({ ...options, dryRun: true });
    expect(dry).toMatchObject({ replayed: 0, byReason: { SCHEMA_UNKNOWN_ID: 2 } });
    const first = await replayDeadLetters(options);
    expect(first.replayed).toBe(2);
    const second = await replayDeadLetters(options);
    expect(second.replayed).toBe(0);

    const raw = await readTopic(env.rawTopic, 12);
    expect(raw.length).toBe(12);
    const replays = raw.filter((m) => m.headers.has("replay.of"));
    expect(replays.map((m) => m.headers.get("replay.reason"))).toEqual([
      "SCHEMA_UNKNOWN_ID",
      "SCHEMA_UNKNOWN_ID",
    ]);
    for (const m of replays)
      expect(m.headers.get("replay.of")).toMatch(new RegExp(`^${env.rawTopic}/\\d+/\\d+$`));
    // The cause is not fixed (the schema id is still unknown), so the pipeline dead-letters them again.
    pipeline = await startInProcess(env, {}, { logger: createLogger({ level: "error" }) });
    expect(await eventually(async () => (await counts(db)).deadLetters === 7)).toBe(true);
  });
});
