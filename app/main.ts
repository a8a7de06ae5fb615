import { parseArgs } from "node:util";
import { ConfigError, describeConfig, loadConfig } from "../ops/config.ts";
import { createLogger, errorFields } from "../ops/logger.ts";
import { missingNodeOptions } from "./node-options.ts";
import { startPipeline } from "./pipeline.ts";

/** Below the container orchestrator's stop timeout (ECS stopTimeout is 60 s). */
const STOP_TIMEOUT_MS = 45_000;

/** `npm start`: the pipeline process. SIGTERM/SIGINT drain in-flight batches, commit, leave the group, exit 0. */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { "print-config": { type: "boolean" } }, strict: true });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (values["print-config"]) {
    console.log(JSON.stringify(describeConfig(config), null, 2));
    return 0;
  }
  const logger = createLogger({ level: config.logLevel });
  const missing = missingNodeOptions(process.execArgv, process.env["NODE_OPTIONS"]);
  if (missing.length > 0) logger.warn("pipeline.node_options_missing", { reason: missing.join(" ") });
  // A stop request while start-up waits for a server ends the wait: nothing was consumed, exit 0.
  const startup = new AbortController();
  const stopDuringStartup = (signal: NodeJS.Signals) => {
    logger.info("pipeline.stopping", { signal, state: "starting" });
    startup.abort();
  };
  process.once("SIGTERM", stopDuringStartup);
  process.once("SIGINT", stopDuringStartup);
  let pipeline: Awaited<ReturnType<typeof startPipeline>>;
  try {
    pipeline = await startPipeline(config, logger, { signal: startup.signal });
  } catch (error) {
    if (startup.signal.aborted) {
      logger.info("pipeline.stopped", { state: "starting" });
      return 0;
    }
    logger.fatal("pipeline.start_failed", errorFields(error));
    return 1;
  }
  process.removeListener("SIGTERM", stopDuringStartup);
  process.removeListener("SIGINT", stopDuringStartup);
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info("pipeline.stopping", { signal });
    // A drain that cannot finish (a broker or database gone for good) must not keep the process forever:
    // exit non-zero, uncommitted work is consumed again by the next owner of the partitions.
    setTimeout(() => {
      logger.fatal("pipeline.stop_timeout", { durationMs: STOP_TIMEOUT_MS });
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    pipeline.stop().then(
      () => {
        logger.info("pipeline.stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.fatal("pipeline.stop_failed", errorFields(error));
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  try {
    await pipeline.runtime.done;
    // The runtime has stopped; the rest (database pool, HTTP server) closes before the process exits.
    await pipeline.stop();
    return 0;
  } catch {
    // The fatal error was logged by the runtime observer; fail closed: stop, exit non-zero, let the orchestrator restart.
    await pipeline.stop().catch(() => undefined);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(JSON.stringify({ level: "fatal", event: "pipeline.crashed", ...errorFields(error) }));
    process.exit(1);
  },
);
