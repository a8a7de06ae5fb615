import { StackError } from "./errors.ts";
import { envFilePath } from "./paths.ts";
import { down, status, up } from "./stack.ts";

/** `npm run stack:up | stack:down | stack:status`. */
async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case "up": {
      const started = Date.now();
      const handle = await up({ log: (line) => console.log(line) });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `stack up (${handle.mode}${handle.startedHere ? "" : ", already running"}) in ${seconds} s`,
      );
      console.log(`KAFKA_BOOTSTRAP_SERVERS=${handle.endpoints.KAFKA_BOOTSTRAP_SERVERS}`);
      console.log(`SCHEMA_REGISTRY_URL=${handle.endpoints.SCHEMA_REGISTRY_URL}`);
      console.log(`DATABASE_URL=${handle.endpoints.DATABASE_URL.replace(/:[^:@/]+@/, ":***@")}`);
      console.log(`written to ${envFilePath()}`);
      return 0;
    }
    case "down": {
      const result = await down();
      console.log(result.stopped ? "stack stopped" : "no stack recorded; nothing to stop");
      return 0;
    }
    case "status": {
      const result = await status();
      if (!result.mode) {
        console.log("no stack running (npm run stack:up starts one)");
        return 1;
      }
      console.log(JSON.stringify({ ...result, endpoints: undefined }, null, 2));
      const ready = result.readiness && Object.values(result.readiness).every(Boolean);
      return ready ? 0 : 1;
    }
    default:
      console.error("usage: node dev/stack/cli.ts up|down|status");
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof StackError ? error.message : error);
    process.exit(1);
  },
);
