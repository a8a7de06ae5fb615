import { setTimeout as sleep } from "node:timers/promises";
import { Command, InvalidArgumentError } from "commander";
import { failCommand } from "../../ops/command-failure.ts";
import { loadToolConfig } from "../../ops/config.ts";
import { kafkaDeadlines } from "../../ops/kafka-admin.ts";
import { registryDeadlines } from "../../schemas/registry-client.ts";
import { POISON_KINDS, type PoisonKind, poison } from "../producer/poison.ts";
import { RawRecordProducer } from "../producer/raw-producer.ts";
import { createGenerator } from "../synthetic/index.ts";

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
};

/**
 * `npm run produce -- --count N [--rate R] [--seed S] [--bad-every K]`: synthetic records (999-range NHS numbers)
 * into the raw topic; with --bad-every, every K-th record is a poison pill of a rotating kind. The registry look-up
 * and every broker request have deadlines (REGISTRY_TIMEOUT_MS, KAFKA_ADMIN_TIMEOUT_MS).
 */
const program = new Command("produce")
  .description("Produce synthetic patient records to the raw topic")
  .option("--count <n>", "records to produce", positiveInt, 1000)
  .option("--rate <r>", "records per second (0 = as fast as possible)", positiveInt, 0)
  .option("--seed <s>", "generator seed", positiveInt, 1)
  .option("--patients <p>", "distinct patients", positiveInt, 1000)
  .option("--bad-every <k>", "make every k-th record a poison pill (0 = none)", positiveInt, 0)
  .action(async (opts: { count: number; rate: number; seed: number; patients: number; badEvery: number }) => {
    const config = loadToolConfig();
    const producer = await RawRecordProducer.create({
      bootstrap: config.kafkaBootstrapServers.split(","),
      registryUrl: config.schemaRegistryUrl,
      topic: config.rawTopic,
      registryDeadlines: registryDeadlines(config.registryTimeoutMs),
      kafkaDeadlines: kafkaDeadlines(config.kafkaAdminTimeoutMs),
    });
    const generator = createGenerator({ seed: opts.seed, patients: opts.patients });
    const kinds = Object.keys(POISON_KINDS) as PoisonKind[];
    const chunk = opts.rate > 0 ? Math.max(1, Math.round(opts.rate / 20)) : 500;
    const started = Date.now();
    let sent = 0;
    let bad = 0;
    try {
      while (sent < opts.count) {
        const n = Math.min(chunk, opts.count - sent);
        const messages = [];
        for (let i = 0; i < n; i++) {
          const record = generator.next();
          let value = producer.encode(record);
          if (opts.badEvery > 0 && (sent + i + 1) % opts.badEvery === 0) {
            value = poison(kinds[bad % kinds.length]!, value, record.source_system);
            bad++;
          }
          messages.push({ key: Buffer.from(record.patient_id), value });
        }
        await producer.sendRaw(messages);
        sent += n;
        if (opts.rate > 0) {
          // Fixed schedule (open loop): the next chunk is due at started + sent/rate, however late this one was.
          const due = started + (sent / opts.rate) * 1000;
          const wait = due - Date.now();
          if (wait > 0) await sleep(wait);
        }
      }
    } finally {
      await producer.close();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `produced ${sent} records (${bad} poison pills) to ${config.rawTopic} in ${seconds.toFixed(1)} s`,
    );
  });

program.parseAsync().catch((error: unknown) => failCommand("produce", error));
