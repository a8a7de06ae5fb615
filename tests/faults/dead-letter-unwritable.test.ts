import { describe, expect, it } from "vitest";
import { POISON_KINDS, poison } from "../../dev/producer/poison.ts";
import { ensureTopics } from "../../ops/kafka-admin.ts";
import { expectedOutcomes } from "../support/anonymiser.ts";
import {
  accounted,
  drained,
  eventually,
  fatalLines,
  kafkaCommitted,
  makeRecords,
  produce,
  rawProducer,
  readTopic,
  startReplica,
  withAdmin,
} from "../support/pipeline.ts";
import { stack } from "../support/stack.ts";
import { waitFor } from "../support/wait.ts";
import { faultCase, verifyCase } from "./support/harness.ts";

const BATCH = 100; // BATCH_MAX_RECORDS of preparePipelineEnv
const IN_FLIGHT = 3; // MAX_IN_FLIGHT_BATCHES (default)

// Not max.message.bytes: a tiny limit also rejects the broker's own transaction markers (RecordTooLargeException
// while writing the abort marker), which wedges the transactional id on the broker itself, whatever the client does.
async function deleteTopic(topic: string): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.deleteTopics({ topics: [topic] });
    await waitFor(`topic ${topic} to be gone`, async () => !(await admin.listTopics()).includes(topic), {
      timeoutMs: 30_000,
      everyMs: 200,
    });
  });
}

describe("fault: dead-letter topic unwritable", () => {
  const { cleanups, open } = faultCase();

  it("a poison pill that cannot be dead-lettered stalls the pipeline (fail closed): nothing committed past it in Kafka; after the topic is restored and the pipeline restarted, everything is accounted for", {
    timeout: 360_000,
  }, async () => {
    // One partition, so that "past the pill" is a plain offset comparison.
    const { env, db } = await open("f-dlq", { partitions: 1 });
    const records = makeRecords(1500, 606);
    const head = records.slice(0, 500);
    const tail = records.slice(500);
    const producer = await rawProducer(env);
    cleanups.push(() => producer.close());
    await produce(producer, head);

    const first = startReplica({ ...env.env, LOG_LEVEL: "debug" }, "replica-a", { restart: false });
    cleanups.push(() => first.stop(5_000));
    expect(await drained(db, head.length, 90_000)).toBe(true);

    // The dead-letter topic disappears (auto-creation is off): a transaction carrying a dead letter cannot commit.
    await deleteTopic(env.deadLetterTopic);
    const pillOffset = 500;
    await producer.sendRaw([
      { key: Buffer.from("poison"), value: poison("wrong-magic", producer.encode(records[0]!), "x") },
    ]);
    await produce(producer, tail);

    // The stall. First a condition: the pill's batch has reached PostgreSQL (the store commits first), so the
    // pipeline is at the pill. Then an observation, sampled every second, of the committed positions: it ends after
    // five more failed attempts to commit the batch, or after 20 s if the attempts are not reported (a send that
    // waits inside the client reports nothing); which of the two ended it is in the note.
    const samples: Array<{ accounted: number; kafka: number; sink: number }> = [];
    const sample = async () => {
      const kafka = Number((await kafkaCommitted(env.group, env.rawTopic)).get(0) ?? -1n);
      const sink = await db
        .oneOrNone<{ n: string }>(
          "SELECT next_offset AS n FROM sink_offsets WHERE topic = $1 AND partition = 0",
          [env.rawTopic],
        )
        .then((r) => Number(r?.n ?? -1));
      samples.push({ accounted: await accounted(db), kafka, sink });
      return samples.at(-1)!;
    };
    const aborts = () => (first.output().match(/"kafka\.transaction_aborted"/g) ?? []).length;
    await waitFor(
      "the batch with the pill to reach PostgreSQL",
      async () => (await sample()).sink > pillOffset,
      {
        timeoutMs: 120_000,
        everyMs: 1_000,
      },
    );
    const abortsAtStall = aborts();
    const accountedAtStall = samples.at(-1)!.accounted;
    const observedFrom = Date.now();
    await eventually(
      async () =>
        (await sample().then(() => aborts() >= abortsAtStall + 5)) || Date.now() - observedFrom >= 20_000,
      60_000,
      1_000,
    );
    const observation = `${aborts() - abortsAtStall} failed commits in ${Math.round((Date.now() - observedFrom) / 1000)} s`;
    const maxKafka = Math.max(...samples.map((s) => s.kafka));
    const maxSink = Math.max(...samples.map((s) => s.sink));
    const stalledAt = samples.at(-1)!.accounted;
    const progressWhileRetrying = stalledAt - accountedAtStall;
    const aliveWhileStalled = first.pid() !== undefined;
    const expectedHead = expectedOutcomes(head).anonymised.size;
    const publishedWhileStalled = (
      await readTopic(env.anonymisedTopic, expectedHead, { idleMs: 2_000, timeoutMs: 20_000 })
    ).length;
    const txRetries = aborts();

    // Restart: stop the stalled replica (SIGTERM, SIGKILL after 20 s), recreate the topic, start again.
    const stop = await first.stop(20_000);
    await ensureTopics(stack().KAFKA_BOOTSTRAP_SERVERS.split(","), [
      { name: env.deadLetterTopic, partitions: 1 },
    ]);
    const second = startReplica({ ...env.env, LOG_LEVEL: "debug" }, "replica-a");
    cleanups.push(() => second.stop());
    const total = records.length + 1;
    const ok = await drained(db, total, 90_000);
    const secondStop = await second.stop(15_000);
    if (!ok || stop.killed || secondStop.killed) {
      const tail = (r: typeof first) =>
        r
          .output()
          .split("\n")
          .filter((l) => !l.includes('"batch.committed"'))
          .slice(-25)
          .join("\n");
      console.error(
        `--- stalled replica (last lines) ---\n${tail(first)}\n--- restarted replica ---\n${tail(second)}`,
      );
    }
    const dlq = await readTopic(env.deadLetterTopic, 1, { idleMs: 2_000 });

    await verifyCase({
      name: "6 dead-letter topic unwritable",
      env,
      db,
      records,
      deadLetterReasons: [POISON_KINDS["wrong-magic"]],
      note:
        `stalled: ${stalledAt} accounted, kafka committed ≤${maxKafka} (pill @${pillOffset}), sink next ≤${maxSink}, ` +
        `${publishedWhileStalled} published, ${txRetries} aborted txns (${observation} after the stall), alive=${aliveWhileStalled}; ` +
        (aliveWhileStalled
          ? ""
          : `stalled replica exited on its own [${fatalLines(first)[0]?.slice(0, 200) ?? "no fatal line"}]; `) +
        `SIGTERM while stalled: ${stop.killed ? "no exit in 20 s, SIGKILLed" : `exit ${stop.signal ?? stop.code}`}; ` +
        `restarted replica: ${ok ? "drained" : "did not drain"}${secondStop.killed ? ", ignored SIGTERM (SIGKILLed)" : ""}`,
    });
    // Fail closed: the replica did not move its Kafka offsets past the pill, and held back what came after it.
    expect(maxKafka).toBeLessThanOrEqual(pillOffset);
    // The store commits first (by design) and, with overlapping stages, may hold up to MAX_IN_FLIGHT_BATCHES batches
    // ahead of the Kafka commit (the pill's and the ones after it); nothing past that while it is stalled.
    expect(maxSink).toBeLessThanOrEqual(pillOffset + BATCH * IN_FLIGHT);
    expect(stalledAt).toBeLessThanOrEqual(head.length + BATCH * IN_FLIGHT);
    expect(progressWhileRetrying).toBeLessThanOrEqual(BATCH * (IN_FLIGHT - 1));
    expect(aliveWhileStalled).toBe(true);
    expect(publishedWhileStalled).toBe(expectedHead);
    expect(secondStop.killed).toBe(false);
    // Recovery: the pill reaches the dead-letter topic exactly once, with its source offset.
    expect(ok).toBe(true);
    expect(dlq.map((m) => m.headers.get("errors.offset"))).toEqual([String(pillOffset)]);
    expect(secondStop.code).toBe(0);
    // Last, so that every data-safety check above has already passed when this one fails: a stalled replica must
    // still honour SIGTERM (exit, even non-zero) instead of waiting forever for a commit that cannot happen. Seen:
    // the Kafka transaction hangs inside the client with no retry log, and stop() waits on it without bound.
    expect(stop.killed, "the stalled replica ignored SIGTERM for 20 s and had to be SIGKILLed").toBe(false);
  });
});
