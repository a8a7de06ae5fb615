import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { afterAll, describe, expect, it } from "vitest";
import { isValidNhsNumber, normaliseNhsNumber, parsePostcode } from "../../anonymise/index.ts";
import { generateRecords } from "../../dev/synthetic/index.ts";
import { fromJsonForm } from "../../schemas/json-form.ts";
import { loadSchema } from "../../schemas/load.ts";

const rawSchema = loadSchema("patientRecord");
const records = generateRecords(500, { seed: 9, patients: 150 });

describe("synthetic generator", () => {
  it("is deterministic by seed and differs across seeds", () => {
    expect(generateRecords(20, { seed: 5 })).toEqual(generateRecords(20, { seed: 5 }));
    expect(generateRecords(20, { seed: 5 })).not.toEqual(generateRecords(20, { seed: 6 }));
  });

  it("produces records valid for the raw contract", () => {
    for (const r of records) expect(fromJsonForm(rawSchema, r).ok).toBe(true);
  });

  it("uses valid NHS numbers from the 999 test range, UK postcodes and GB phone numbers", () => {
    for (const r of records) {
      const nhs = normaliseNhsNumber(r.nhs_number);
      expect(nhs && isValidNhsNumber(nhs) && nhs.startsWith("999")).toBe(true);
      expect(parsePostcode(r.postcode)).not.toBeNull();
      if (r.phone) expect(parsePhoneNumberFromString(r.phone, "GB")?.country ?? "GB").toBe("GB");
      if (r.email) expect(r.email.endsWith("@example.com")).toBe(true);
    }
  });

  it("patients recur (longitudinal) and notes mention their identifiers", () => {
    expect(new Set(records.map((r) => r.patient_id)).size).toBeLessThanOrEqual(150);
    const mentions = records.filter(
      (r) =>
        r.clinical_notes &&
        (r.clinical_notes.includes(r.family_name) ||
          r.clinical_notes.toLowerCase().includes(r.family_name.toLowerCase())),
    );
    expect(mentions.length).toBeGreaterThan(records.length / 3);
    expect(records.some((r) => r.national_data_opt_out === true)).toBe(true);
    expect(records.some((r) => r.national_data_opt_out === null)).toBe(true);
  });
});

describe("CLIs (generate → anonymise-file)", () => {
  const node = process.execPath;
  const dir = mkdtempSync(join(tmpdir(), "anon-cli-"));
  const keyring = new URL("../fixtures/keyring.json", import.meta.url).pathname;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("generates JSON Lines, anonymises them, reports bad lines by number and code only, exits non-zero", () => {
    const input = join(dir, "in.jsonl");
    const output = join(dir, "out.jsonl");
    const generated = execFileSync(node, ["dev/cli/generate.ts", "--count", "30", "--seed", "3"], {
      encoding: "utf8",
    });
    const secret = "Zebedee-Secret-Name";
    writeFileSync(input, `${generated}{"not json ${secret}\n{"record_id":"${secret}"}\n`);
    let stderr = "";
    let status = 0;
    try {
      execFileSync(
        node,
        ["app/cli/anonymise-file.ts", "--input", input, "--output", output, "--keyring", keyring],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    } catch (e) {
      const err = e as { status: number; stderr: string };
      status = err.status;
      stderr = err.stderr;
    }
    expect(status).toBe(1);
    expect(stderr).toContain("line 31: JSON_INVALID");
    expect(stderr).toContain("line 32: JSON_FIELD_MISSING (field event_time)");
    expect(stderr).not.toContain(secret);
    const out = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.length).toBeGreaterThan(20);
    for (const r of out) expect(r["patient_id"]).toMatch(/^PAT-k1-/);
  });

  it("refuses to start without a keyring (exit 2)", () => {
    let status = 0;
    try {
      execFileSync(node, ["app/cli/anonymise-file.ts", "--input", "x", "--output", join(dir, "o")], {
        stdio: "pipe",
        env: { ...process.env, ANONYMISATION_KEYRING: "", ANONYMISATION_KEYRING_FILE: "" },
      });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
