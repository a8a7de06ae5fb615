/**
 * The anonymise engine of this checkout against the engine of another commit, paired in one process: both engines
 * take the same records in chunks, alternately (which goes first alternates too), so a slow minute of a shared
 * machine slows both alike and their ratio stays steady where two separate runs differ by a tenth or more. Each
 * round starts both engines fresh (empty token caches) over the same many-patients mix as `bench:anonymise`.
 * At the end both engines anonymise every record once more, fresh, and the outputs are compared: the count of
 * records whose output differs is printed, never a value.
 *
 *   npm run bench:ab                                  # the working tree against HEAD
 *   npm run bench:ab -- --base main~3 --rounds 5      # against any commit
 *   npm run bench:ab -- --records 50000 --patients 2000
 *
 * The other commit is checked out into a temporary git worktree, with this checkout's node_modules linked into it,
 * and removed at the end. Its engine must take the same createAnonymiser options as this one; each side uses its own
 * commit's schemas (and so its own policy).
 */

import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../dev/stack/paths.ts";
import { engineRecords } from "./lib/engine-records.ts";
import { checkoutCommit } from "./lib/worktree.ts";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "HEAD" },
    records: { type: "string", default: "100000" },
    patients: { type: "string" },
    rounds: { type: "string", default: "3" },
    chunk: { type: "string", default: "500" },
  },
});
const RECORDS = Number(values.records);
const PATIENTS = Number(values.patients ?? Math.ceil(RECORDS / 4));
const ROUNDS = Number(values.rounds);
const CHUNK = Number(values.chunk);
for (const [name, n] of Object.entries({ RECORDS, PATIENTS, ROUNDS, CHUNK }))
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name.toLowerCase()} must be a positive integer`);

const base = checkoutCommit(values.base);

type Engine = { anonymise(record: unknown): unknown };

try {
  const records = engineRecords(7, RECORDS, PATIENTS);
  const warm = engineRecords(42, 5000);

  /**
   * A maker of fresh engines from the anonymise/ folder under `root` (a module instance of its own), with the policy
   * of that commit's schemas: a policy may use a parameter the other commit's engine does not know.
   */
  async function engineOf(root: string): Promise<() => Engine> {
    const m = await import(pathToFileURL(join(root, "anonymise/index.ts")).href);
    const { loadSchema } = await import(pathToFileURL(join(root, "schemas/load.ts")).href);
    const rawSchema = loadSchema("patientRecord");
    const anonymisedSchema = loadSchema("anonymisedPatientRecord");
    const keyring = m.parseKeyring(readFileSync(join(root, "tests/fixtures/keyring.json"), "utf8"));
    return () =>
      m.createAnonymiser({
        rawSchema,
        anonymisedSchema,
        keyring,
        strategy: "pseudonymisation",
        pipelineVersion: "bench",
        tokenCacheSize: m.DEFAULT_TOKEN_CACHE_SIZE,
        personNames: true,
      });
  }
  const makers = { base: await engineOf(base.dir), here: await engineOf(PROJECT_ROOT) };
  for (const make of Object.values(makers)) {
    const engine = make();
    for (const r of warm) engine.anonymise(r);
  }

  console.log(
    `engine A/B: base ${base.commit} against this checkout, ${RECORDS} records of ${PATIENTS} patients, chunks of ${CHUNK}, ${ROUNDS} rounds; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const engines = { base: makers.base(), here: makers.here() };
    const ms = { base: 0, here: 0 };
    for (let i = 0, k = 0; i < records.length; i += CHUNK, k++) {
      const chunk = records.slice(i, i + CHUNK);
      const order = (k + round) % 2 === 0 ? (["base", "here"] as const) : (["here", "base"] as const);
      for (const side of order) {
        const engine = engines[side];
        const start = performance.now();
        for (const r of chunk) engine.anonymise(r);
        ms[side] += performance.now() - start;
      }
    }
    ratios.push(ms.here / ms.base);
    const perRecord = (t: number) => ((1000 * t) / RECORDS).toFixed(1);
    console.log(
      `round ${round + 1}: base ${perRecord(ms.base)} µs/record, here ${perRecord(ms.here)} µs/record, here ÷ base ${(ms.here / ms.base).toFixed(3)}`,
    );
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;

  const baseEngine = makers.base();
  const hereEngine = makers.here();
  // The policy version stamped on every output is the commit's, not the record's: compared apart.
  const policyVersions = new Set<unknown>();
  const comparable = (result: unknown): string => {
    const value = (result as { value?: Record<string, unknown> }).value;
    if (value === undefined) return JSON.stringify(result);
    policyVersions.add(value["policy_version"]);
    return JSON.stringify({ ...(result as object), value: { ...value, policy_version: undefined } });
  };
  let differing = 0;
  for (const r of records)
    if (comparable(baseEngine.anonymise(r)) !== comparable(hereEngine.anonymise(r))) differing++;
  const versions = policyVersions.size > 1 ? ` (policy versions ${[...policyVersions].join(" and ")})` : "";
  console.log(
    `here ÷ base, median of ${ROUNDS}: ${median.toFixed(3)} (${Math.abs((1 - median) * 100).toFixed(1)}% ${median <= 1 ? "less" : "more"} time); outputs differing: ${differing} of ${RECORDS}${versions}`,
  );
} finally {
  base.remove();
}
