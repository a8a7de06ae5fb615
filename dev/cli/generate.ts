/**
 * Synthetic patient records as JSON Lines (raw contract, JSON form), deterministic by seed.
 *   npm run generate -- --count 1000 [--seed 7] [--patients 300] [--output records.jsonl]
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { createGenerator } from "../synthetic/index.ts";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

const program = new Command()
  .name("generate")
  .description("Generate synthetic NHS patient records (JSON Lines) for tests, demos and benchmarks")
  .requiredOption("-c, --count <n>", "number of records", positiveInt)
  .option("-s, --seed <n>", "random seed (same seed, same records)", positiveInt, 1)
  .option("-p, --patients <n>", "distinct patients the records are drawn from", positiveInt)
  .option("-o, --output <file>", "write to a file instead of stdout")
  .parse();

const opts = program.opts<{ count: number; seed: number; patients?: number; output?: string }>();
const out = opts.output ? createWriteStream(opts.output) : process.stdout;
const generator = createGenerator({
  seed: opts.seed,
  patients: opts.patients ?? Math.max(1, Math.ceil(opts.count / 3)),
});
for (let i = 0; i < opts.count; i++) {
  if (!out.write(`${JSON.stringify(generator.next())}\n`)) await once(out, "drain");
}
if (opts.output) {
  out.end();
  await once(out, "finish");
}
