import { describe, expect, it } from "vitest";
import {
  AnonymisationError,
  compilePolicy,
  ERROR_CATALOGUE,
  POLICY_ATTRIBUTE,
} from "../../anonymise/index.ts";
import { loadSchemaFile } from "../../schemas/load.ts";
import { testAnonymiser } from "../support/anonymiser.ts";
import { anonymisedSchema, anonymiser, rawSchema, sampleJson, toAvro } from "./helpers.ts";

type MutableSchema = { fields: Array<Record<string, unknown>>; [k: string]: unknown };

function withField(name: string, change: (f: Record<string, unknown>) => void): MutableSchema {
  const schema = structuredClone(rawSchema) as unknown as MutableSchema;
  const field = schema.fields.find((f) => f["name"] === name);
  if (!field) throw new Error(name);
  change(field);
  return schema;
}

function startUpError(schema: unknown, extra: Record<string, unknown> = {}): AnonymisationError {
  try {
    // No anonymised schema unless the case passes one: start-up must fail on the raw schema alone.
    testAnonymiser({ rawSchema: schema, anonymisedSchema: undefined, pipelineVersion: "t", ...extra });
  } catch (e) {
    if (e instanceof AnonymisationError) return e;
    throw e;
  }
  throw new Error("start-up did not fail");
}

describe("fail-closed start-up", () => {
  it("compiles the shipped policy and checks its outputs against the anonymised schema", () => {
    const a = anonymiser();
    expect(a.policyVersion).toBe("2026.12.1");
    expect(a.outputFields).toEqual(anonymisedSchema.fields.map((f) => f.name));
  });

  it("a field with no policy stops start-up, naming the field", () => {
    const e = startUpError(withField("gender", (f) => delete f[POLICY_ATTRIBUTE]));
    expect(e.code).toBe("ANON_POLICY_MISSING");
    expect(e.field).toBe("gender");
    expect(e.message).toContain("'gender'");
    expect(e.permanent).toBe(true);
  });

  it("an unknown operator stops start-up, naming the field", () => {
    const e = startUpError(withField("postcode", (f) => (f[POLICY_ATTRIBUTE] = { op: "hash-md5" })));
    expect(e.code).toBe("ANON_UNKNOWN_OPERATOR");
    expect(e.message).toContain("'postcode'");
  });

  it.each([
    [
      "unknown parameter (typo)",
      "patient_id",
      { op: "pseudonymise", prefix: "PAT", normalise: "identifier", prefx: "X" },
    ],
    ["bad prefix", "patient_id", { op: "pseudonymise", prefix: "pat", normalise: "identifier" }],
    ["unknown normaliser", "patient_id", { op: "pseudonymise", prefix: "PAT", normalise: "soundex" }],
    ["keep on free text without a pattern", "given_name", { op: "keep" }],
    ["unanchored pattern", "source_system", { op: "keep", pattern: "[A-Z]+" }],
    ["date-shift subject without pseudonym", "event_time", { op: "date-shift", subject: ["gender"] }],
    ["generalise a string to a year", "gender", { op: "generalise", to: "year" }],
    ["age band without reference", "date_of_birth", { op: "generalise", to: "age-band" }],
    ["scrub-text own field unknown", "clinical_notes", { op: "scrub-text", own: { nickname: "NAME" } }],
    [
      "scrub-text nicknames of a field that is not a NAME of own",
      "clinical_notes",
      { op: "scrub-text", own: { given_name: "NAME", postcode: "POSTCODE" }, nicknames: ["postcode"] },
    ],
    [
      "scrub-text nicknames not a list",
      "clinical_notes",
      { op: "scrub-text", own: { given_name: "NAME" }, nicknames: "given_name" },
    ],
    ["consent on a string", "gender", { op: "consent" }],
    ["empty policy list", "gender", []],
  ])("%s → ANON_POLICY_INVALID naming the field", (_label, field, policy) => {
    const e = startUpError(withField(field, (f) => (f[POLICY_ATTRIBUTE] = policy)));
    expect(e.code).toBe("ANON_POLICY_INVALID");
    expect(e.field).toBe(field);
  });

  it("a schema without a policy version stops start-up", () => {
    const schema = structuredClone(rawSchema) as unknown as MutableSchema;
    delete schema[POLICY_ATTRIBUTE];
    expect(startUpError(schema).code).toBe("ANON_POLICY_VERSION_MISSING");
  });

  it("an anonymised schema that does not match the policy's outputs stops start-up", () => {
    const drifted = structuredClone(anonymisedSchema) as unknown as MutableSchema;
    drifted.fields.push({ name: "given_name", type: "string" });
    const e = startUpError(rawSchema, { anonymisedSchema: drifted });
    expect(e.code).toBe("ANON_OUTPUT_MISMATCH");
    expect(e.field).toBe("given_name");
  });

  it("an unknown strategy stops start-up", () => {
    expect(startUpError(rawSchema, { strategy: "hashing" }).code).toBe("ANON_STRATEGY_INVALID");
  });

  it("every code in the catalogue is documented in docs/policy.md", async () => {
    const { readFileSync } = await import("node:fs");
    const doc = readFileSync(new URL("../../docs/policy.md", import.meta.url), "utf8");
    for (const code of Object.keys(ERROR_CATALOGUE)) expect(doc).toContain(code);
  });
});

describe("refusal of unknown fields", () => {
  it("checkWriterSchema accepts the known schema and refuses a newer one with an unknown field", () => {
    const a = anonymiser();
    expect(a.checkWriterSchema(rawSchema)).toBeNull();
    const v2 = loadSchemaFile("evolution/patient-record.v2.avsc");
    expect(a.checkWriterSchema(v2)).toEqual({ code: "ANON_FIELD_UNKNOWN", field: "preferred_language" });
    expect(a.checkWriterSchema({ type: "string" })).toEqual({ code: "ANON_SCHEMA_INVALID" });
  });

  it("a record carrying a field the policy does not know is refused, never passed through", () => {
    const r = anonymiser().anonymise({ ...toAvro(sampleJson()), mothers_maiden_name: "Smith" });
    expect(r).toEqual({ kind: "failed", code: "ANON_FIELD_UNKNOWN", field: "mothers_maiden_name" });
  });
});

describe("the compiled policy's names", () => {
  it("are V8's shared copies of the property names, so reading a record by them does not deoptimise", async () => {
    // A name read from the schema's JSON is a second copy of the string. Optimised code that reads `record[name]`
    // where only one name is ever seen compares the key with the shared copy by identity, and with the second copy
    // the anonymiser was deoptimised and recompiled hundreds of times per processing thread.
    const { setFlagsFromString } = await import("node:v8");
    setFlagsFromString("--allow-natives-syntax");
    const isSharedName = new Function("s", "return %IsInternalizedString(s)") as (s: string) => boolean;
    expect(isSharedName(JSON.parse('{"name":"national_data_opt_out"}').name)).toBe(false);

    const policy = compilePolicy(JSON.parse(JSON.stringify(rawSchema)), "pseudonymisation");
    const names = [...policy.gates, ...policy.fields].flatMap((f) => [
      f.shape.name,
      ...f.operations.flatMap((o) => (o.output === null ? [o.field] : [o.field, o.output])),
    ]);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(isSharedName(name), name).toBe(true);
  });
});
