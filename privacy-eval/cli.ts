/**
 * npm run eval:privacy [-- --seed 2026 --count 400 --gold notes.jsonl --json --strategy redaction
 *                        --examples 15 --write-gold corpus.jsonl --out results.json --no-person-names]
 *
 * Generates the seeded labelled corpus (or reads a user's gold JSONL), runs the engine, and prints recall per
 * category, the record's own identifiers leaked, decoy precision, spurious replacements, examples of misses
 * (synthetic values only, for the generated corpus) and records/s. docs/privacy-evaluation.md has the method.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseStrategy } from "../anonymise/index.ts";
import { generateCorpus } from "./corpus.ts";
import { type GoldRecord, parseGold, toGoldLine } from "./gold.ts";
import { report } from "./report.ts";
import { evaluate } from "./run.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "2026" },
    count: { type: "string", default: "400" },
    gold: { type: "string" },
    json: { type: "boolean", default: false },
    strategy: { type: "string", default: "pseudonymisation" },
    examples: { type: "string", default: "12" },
    "write-gold": { type: "string" },
    out: { type: "string" },
    "no-person-names": { type: "boolean", default: false },
  },
});

const seed = Number(values.seed);
const count = Number(values.count);
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1) {
  console.error("--seed and --count must be integers (count ≥ 1)");
  process.exit(2);
}
const strategy = parseStrategy(values.strategy);
const records: GoldRecord[] = values.gold
  ? parseGold(readFileSync(values.gold, "utf8"))
  : generateCorpus({ seed, count });
if (values["write-gold"]) writeFileSync(values["write-gold"], `${records.map(toGoldLine).join("\n")}\n`);

const result = evaluate(records, { strategy, personNames: !values["no-person-names"] });
const source = values.gold ? { gold: values.gold } : { seed, count };
const summary = report(result, {
  source,
  strategy,
  personNames: !values["no-person-names"],
  examples: Number(values.examples),
  // A user's own notes are real data: never print their text.
  showValues: values.gold === undefined,
});
if (values.out) writeFileSync(values.out, `${JSON.stringify(summary.json, null, 2)}\n`);
console.log(values.json ? JSON.stringify(summary.json, null, 2) : summary.text);
