/**
 * Anonymises a JSON Lines file of raw PatientRecord v1 (JSON form) with the same engine as the pipeline.
 *   npm run anonymise -- --input records.jsonl --output out.jsonl [--keyring keyring.json] [--strategy redaction]
 * Keyring: --keyring <file>, else ANONYMISATION_KEYRING (JSON text), else ANONYMISATION_KEYRING_FILE. Never logged.
 * Bad lines are reported on stderr by line number and reason code, never content, and do not stop the rest.
 * Withheld records (national data opt-out, or consent missing) are counted and not written.
 * Exit code: 0 all lines anonymised or withheld; 1 some lines failed; 2 could not start.
 */

import { once } from "node:events";
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Command } from "commander";
import {
  AnonymisationError,
  type Anonymiser,
  createAnonymiser,
  type Keyring,
  parseKeyring,
  parseStrategy,
} from "../../anonymise/index.ts";
import { fromJsonForm, toJsonForm } from "../../schemas/json-form.ts";
import { loadSchema } from "../../schemas/load.ts";

const MAX_LINE_CHARS = 1_000_000;

function loadKeyring(file: string | undefined): Keyring {
  if (file) return parseKeyring(readFileSync(file, "utf8"));
  if (process.env["ANONYMISATION_KEYRING"]) return parseKeyring(process.env["ANONYMISATION_KEYRING"]);
  if (process.env["ANONYMISATION_KEYRING_FILE"]) {
    return parseKeyring(readFileSync(process.env["ANONYMISATION_KEYRING_FILE"], "utf8"));
  }
  throw new AnonymisationError(
    "ANON_KEYRING_INVALID",
    "no keyring: pass --keyring <file> or set ANONYMISATION_KEYRING or ANONYMISATION_KEYRING_FILE",
  );
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

const program = new Command()
  .name("anonymise")
  .description("Anonymise a JSON Lines file of PatientRecord v1 records")
  .requiredOption("-i, --input <file>", "raw records, JSON Lines")
  .requiredOption("-o, --output <file>", "anonymised records, JSON Lines")
  .option("-k, --keyring <file>", "keyring JSON file")
  .option(
    "-s, --strategy <name>",
    "pseudonymisation | redaction",
    process.env["ANONYMISATION_STRATEGY"] ?? "pseudonymisation",
  )
  .option("--pipeline-version <v>", "version stamped on output records")
  .parse();

const opts = program.opts<{
  input: string;
  output: string;
  keyring?: string;
  strategy: string;
  pipelineVersion?: string;
}>();

let anonymiser: Anonymiser;
try {
  const rawSchema = loadSchema("patientRecord");
  anonymiser = createAnonymiser({
    rawSchema,
    anonymisedSchema: loadSchema("anonymisedPatientRecord"),
    keyring: loadKeyring(opts.keyring),
    strategy: parseStrategy(opts.strategy),
    pipelineVersion: opts.pipelineVersion ?? packageVersion(),
  });
} catch (e) {
  // Start-up errors name settings and fields; other errors (e.g. a missing file) are reported by kind only.
  const message =
    e instanceof AnonymisationError
      ? e.message
      : `could not start: ${(e as NodeJS.ErrnoException).code ?? "error"}`;
  process.stderr.write(`anonymise: ${message}\n`);
  process.exit(2);
}

const rawSchema = loadSchema("patientRecord");
const anonymisedSchema = loadSchema("anonymisedPatientRecord");
const counts = { read: 0, anonymised: 0, withheld: 0, failed: 0 };
const out = createWriteStream(opts.output);
const lines = createInterface({ input: createReadStream(opts.input), crlfDelay: Number.POSITIVE_INFINITY });

function fail(line: number, code: string, field?: string): void {
  counts.failed++;
  process.stderr.write(`line ${line}: ${code}${field ? ` (field ${field})` : ""}\n`);
}

let lineNo = 0;
for await (const line of lines) {
  lineNo++;
  if (line.trim() === "") continue;
  counts.read++;
  if (line.length > MAX_LINE_CHARS) {
    fail(lineNo, "LINE_TOO_LONG");
    continue;
  }
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    fail(lineNo, "JSON_INVALID");
    continue;
  }
  const avro = fromJsonForm(rawSchema, json);
  if (!avro.ok) {
    fail(lineNo, avro.code, avro.field);
    continue;
  }
  const result = anonymiser.anonymise(avro.value);
  if (result.kind === "failed") {
    fail(lineNo, result.code, result.field);
  } else if (result.kind === "withheld") {
    counts.withheld++;
  } else {
    counts.anonymised++;
    if (!out.write(`${JSON.stringify(toJsonForm(anonymisedSchema, result.value))}\n`))
      await once(out, "drain");
  }
}
out.end();
await once(out, "finish");
process.stderr.write(
  `anonymise: ${counts.read} read, ${counts.anonymised} anonymised, ${counts.withheld} withheld (opt-out or consent missing), ${counts.failed} failed; strategy ${anonymiser.strategy}, key ${anonymiser.keyId}, policy ${anonymiser.policyVersion}\n`,
);
process.exitCode = counts.failed > 0 ? 1 : 0;
