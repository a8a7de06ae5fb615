import { Command } from "commander";
import { failCommand } from "../../ops/command-failure.ts";
import { loadToolConfig } from "../../ops/config.ts";
import { kafkaDeadlines } from "../../ops/kafka-admin.ts";
import { replayDeadLetters } from "../dlq-replay.ts";

/**
 * `npm run dlq:replay -- [--reason CODE] [--dry-run]`: after a fix (a schema registered, a policy corrected),
 * re-inject dead-lettered records into the raw topic, exactly once per reason filter. Every broker request has a
 * deadline (KAFKA_ADMIN_TIMEOUT_MS); a broker that does not answer ends the command with KAFKA_UNREACHABLE.
 */
const program = new Command("dlq:replay")
  .description(
    "Re-inject dead-lettered records (original bytes) into the raw topic; a second run replays nothing twice",
  )
  .option("--reason <code>", "only dead letters with this reason code, e.g. SCHEMA_UNKNOWN_ID")
  .option("--dry-run", "count what would be replayed; produce and commit nothing", false)
  .option("--group <name>", "the replay's consumer group (default dlq-replay-<reason|all>)")
  .action(async (opts: { reason?: string; dryRun: boolean; group?: string }) => {
    const config = loadToolConfig();
    const result = await replayDeadLetters({
      bootstrap: config.kafkaBootstrapServers.split(","),
      deadLetterTopic: config.deadLetterTopic,
      rawTopic: config.rawTopic,
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.group ? { group: opts.group } : {}),
      dryRun: opts.dryRun,
      deadlines: kafkaDeadlines(config.kafkaAdminTimeoutMs),
    });
    const reasons = Object.entries(result.byReason)
      .map(([code, n]) => `${code}=${n}`)
      .join(", ");
    console.log(
      `${opts.dryRun ? "would replay" : "replayed"} ${opts.dryRun ? Object.values(result.byReason).reduce((a, b) => a + b, 0) : result.replayed} of ${result.read} dead letters read from ${config.deadLetterTopic} into ${config.rawTopic}${reasons ? ` (${reasons})` : ""}`,
    );
  });

program.parseAsync().catch((error: unknown) => failCommand("dlq:replay", error));
