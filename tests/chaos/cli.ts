import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../../dev/stack/paths.ts";

/**
 * `npm run test:chaos -- [--minutes M] [--seed S] [--replicas 2|3]`: the randomised chaos run on its own stack.
 * Without --seed a seed is drawn and printed, so any run can be repeated with the same fault schedule.
 */
const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "3" },
    seed: { type: "string" },
    replicas: { type: "string", default: "3" },
  },
  strict: true,
});
const minutes = Number(values.minutes);
const seed = values.seed === undefined ? randomInt(1, 2 ** 31 - 1) : Number(values.seed);
const replicas = Number(values.replicas);
if (!(minutes > 0) || !Number.isInteger(seed) || seed < 0 || (replicas !== 2 && replicas !== 3)) {
  console.error("usage: npm run test:chaos -- [--minutes M (> 0)] [--seed S (integer ≥ 0)] [--replicas 2|3]");
  process.exit(2);
}
console.log(
  `chaos run: seed ${seed}, ${minutes} min of faults, ${replicas} replicas (repeat with --seed ${seed})`,
);
const child = spawn(
  process.execPath,
  [`${PROJECT_ROOT}/node_modules/vitest/vitest.mjs`, "run", "--config", "vitest.chaos.config.ts"],
  {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
    env: {
      ...process.env,
      CHAOS_MINUTES: String(minutes),
      CHAOS_SEED: String(seed),
      CHAOS_REPLICAS: String(replicas),
    },
  },
);
child.once("exit", (code, signal) => {
  console.log(`chaos run with seed ${seed}: ${code === 0 ? "passed" : "FAILED"}`);
  process.exit(code ?? (signal ? 1 : 0));
});
