import { Command } from "commander";
import { failCommand } from "../../ops/command-failure.ts";
import { loadToolConfig } from "../../ops/config.ts";
import { ensureTopics, kafkaDeadlines } from "../../ops/kafka-admin.ts";

/**
 * `npm run topics:create`: the raw, anonymised and dead-letter topics (idempotent). Each broker request has a
 * deadline (KAFKA_ADMIN_TIMEOUT_MS), so the command always ends.
 */
const program = new Command("topics:create")
  .description("Create the pipeline's topics if they do not exist")
  .option("--partitions <n>", "partitions per topic", "6")
  .option("--replicas <n>", "replication factor", "1")
  .action(async (opts: { partitions: string; replicas: string }) => {
    const config = loadToolConfig();
    const partitions = Number(opts.partitions);
    const replicas = Number(opts.replicas);
    const created = await ensureTopics(
      config.kafkaBootstrapServers.split(","),
      [
        { name: config.rawTopic, partitions, replicas },
        { name: config.anonymisedTopic, partitions, replicas },
        // Raw bytes live here: keep them no longer than the raw topic would (7 days), then they are gone.
        {
          name: config.deadLetterTopic,
          partitions: 1,
          replicas,
          configs: { "retention.ms": String(7 * 86_400_000) },
        },
      ],
      { deadlines: kafkaDeadlines(config.kafkaAdminTimeoutMs) },
    );
    console.log(created.length ? `created: ${created.join(", ")}` : "all topics exist");
  });

program.parseAsync().catch((error: unknown) => failCommand("topics:create", error));
