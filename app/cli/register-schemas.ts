import { Command } from "commander";
import { failCommand } from "../../ops/command-failure.ts";
import { loadToolConfig } from "../../ops/config.ts";
import { registerSchemas } from "../../schemas/register.ts";
import { registryDeadlines } from "../../schemas/registry-client.ts";

/**
 * `npm run schemas:register`: registers the input and output contracts; refuses an incompatible change. Each request
 * to the registry has a deadline (REGISTRY_TIMEOUT_MS) and is tried 3 times, so the command always ends.
 */
const program = new Command("schemas:register")
  .description("Register the Avro contracts with the schema registry (idempotent; prints subjects and ids)")
  .action(async () => {
    const config = loadToolConfig();
    const registered = await registerSchemas({
      registryUrl: config.schemaRegistryUrl,
      rawTopic: config.rawTopic,
      anonymisedTopic: config.anonymisedTopic,
      deadlines: registryDeadlines(config.registryTimeoutMs),
    });
    for (const r of registered) console.log(`${r.subject}\tid ${r.id}`);
  });

program.parseAsync().catch((error: unknown) => failCommand("schemas:register", error));
