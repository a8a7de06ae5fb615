import { Command } from "commander";
import { loadToolConfig } from "../../ops/config.ts";
import { registerSchemas } from "../../schemas/register.ts";

/** `npm run schemas:register`: registers the input and output contracts; refuses an incompatible change. */
const program = new Command("schemas:register")
  .description("Register the Avro contracts with the schema registry (idempotent; prints subjects and ids)")
  .action(async () => {
    const config = loadToolConfig();
    const registered = await registerSchemas({
      registryUrl: config.schemaRegistryUrl,
      rawTopic: config.rawTopic,
      anonymisedTopic: config.anonymisedTopic,
    });
    for (const r of registered) console.log(`${r.subject}\tid ${r.id}`);
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`schemas:register failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
