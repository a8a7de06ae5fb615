import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateCorpus } from "../../privacy-eval/corpus.ts";
import { type GoldRecord, parseGold, toGoldLine } from "../../privacy-eval/gold.ts";
import { report } from "../../privacy-eval/report.ts";
import { evaluate, rawRecord } from "../../privacy-eval/run.ts";
import { emptyScore, keptMask, scoreRecord } from "../../privacy-eval/score.ts";

/** The privacy evaluation harness: its corpus, gold format, alignment and scoring, and a small end-to-end run. */

describe("corpus", () => {
  it("is deterministic by seed and different across seeds", () => {
    // Seed 31337 meets a Gaelic family name before any other name from the same locale's lists.
    for (const seed of [3, 31337]) {
      const a = generateCorpus({ seed, count: 60 });
      expect(generateCorpus({ seed, count: 60 }).map((r) => r.text)).toEqual(a.map((r) => r.text));
      expect(generateCorpus({ seed: seed + 1, count: 60 }).map((r) => r.text)).not.toEqual(
        a.map((r) => r.text),
      );
    }
  });

  it("gold spans and decoys point at the note, and own spans name their field", () => {
    for (const r of generateCorpus({ seed: 5, count: 60 })) {
      expect(r.record?.clinical_notes).toBe(r.text);
      for (const s of r.spans) {
        expect(s.end).toBeLessThanOrEqual(r.text.length);
        expect(r.text.slice(s.start, s.end).trim().length).toBeGreaterThan(0);
        if (s.own) expect(typeof s.field).toBe("string");
      }
      for (const k of r.keep ?? []) expect(k.end).toBeLessThanOrEqual(r.text.length);
    }
  });

  it("covers other people, own identifiers and decoys in every run", () => {
    const corpus = generateCorpus({ seed: 6, count: 80 });
    const spans = corpus.flatMap((r) => r.spans);
    expect(spans.some((s) => s.category === "NAME" && !s.own)).toBe(true);
    expect(spans.some((s) => s.category === "NAME" && s.own)).toBe(true);
    expect(spans.some((s) => s.category === "ADDRESS" && s.own)).toBe(true);
    expect(corpus.some((r) => (r.keep ?? []).length > 0)).toBe(true);
    // Hard on purpose: some notes are wholly in capitals or lower case, and some names carry no diacritics.
    expect(corpus.some((r) => r.text === r.text.toUpperCase())).toBe(true);
  });

  it("every generated record is valid for the raw schema", () => {
    for (const r of generateCorpus({ seed: 8, count: 40 })) expect(() => rawRecord(r)).not.toThrow();
  });
});

describe("gold JSONL", () => {
  it("round-trips the corpus", () => {
    const corpus = generateCorpus({ seed: 9, count: 5 });
    const parsed = parseGold(corpus.map(toGoldLine).join("\n"));
    expect(parsed.map((p) => p.spans)).toEqual(corpus.map((c) => c.spans));
  });

  it.each([
    ["not JSON", "{", /line 2: not valid JSON/],
    ["no text", '{"spans": []}', /needs a string 'text'/],
    [
      "span outside the text",
      '{"text": "abc", "spans": [{"start": 1, "end": 9, "category": "NAME"}]}',
      /within the text/,
    ],
    [
      "unknown category",
      '{"text": "abc", "spans": [{"start": 0, "end": 2, "category": "PERSON"}]}',
      /category must be/,
    ],
  ])("refuses %s, naming the line", (_label, line, message) => {
    expect(() => parseGold(`\n${line}`)).toThrow(message);
  });

  it("the documented sample gold file parses and every identifier in it is removed", () => {
    const gold = parseGold(
      readFileSync(new URL("../../privacy-eval/examples/gold-sample.jsonl", import.meta.url), "utf8"),
    );
    expect(gold.length).toBe(3);
    const { score } = evaluate(gold, { strategy: "redaction" });
    for (const t of Object.values(score.byCategory)) expect(t.removed).toBe(t.gold);
    expect(score.decoys.removed).toBe(score.decoys.gold);
  });

  it.each([
    ["independent-notes.jsonl", 248],
    ["independent-notes-2.jsonl", 220],
    ["independent-notes-3.jsonl", 200],
    ["independent-notes-4.jsonl", 200],
    ["independent-notes-5.jsonl", 200],
    ["independent-notes-6.jsonl", 200],
    ["independent-notes-7.jsonl", 200],
    ["independent-notes-8.jsonl", 200],
    ["independent-notes-9.jsonl", 200],
    ["independent-notes-10.jsonl", 200],
    ["independent-notes-11.jsonl", 200],
    ["independent-notes-12.jsonl", 200],
    ["independent-notes-13.jsonl", 200],
    ["independent-notes-14.jsonl", 200],
    ["independent-notes-15.jsonl", 200],
  ])(
    "the independently written corpus %s parses, and every record in it is anonymised and aligned",
    (file, n) => {
      const gold = parseGold(
        readFileSync(new URL(`../../privacy-eval/examples/${file}`, import.meta.url), "utf8"),
      );
      expect(gold.length).toBe(n);
      const { score } = evaluate(gold, { strategy: "pseudonymisation" });
      expect(score.failed).toBe(0);
      expect(score.unaligned).toBe(0);
    },
  );

  it("fills structured fields a user leaves out with values that appear in no note", () => {
    const r = rawRecord({ id: "x", text: "Spoke to wife Jane.", spans: [] });
    expect(r["clinical_notes"]).toBe("Spoke to wife Jane.");
  });
});

describe("alignment and scoring", () => {
  it("marks what the output kept", () => {
    const mask = keptMask("Spoke to Jane Smith at 10:00", "Spoke to [NAME] at 10:00");
    expect(Array.from(mask ?? []).join("")).toBe("1111111110000000000111111111");
  });

  it("recognises pseudonym tokens as replacements", () => {
    const token = "PAT-k1-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    expect(keptMask("Hosp no RX1234567.", `Hosp no ${token}.`)).not.toBeNull();
  });

  it("counts a surviving fragment as a miss, a damaged decoy as a decoy miss, and extra removals as spurious", () => {
    const gold: GoldRecord = {
      id: "t",
      text: "Wife Jane Smith; BP 120/80; Ward 7B",
      spans: [{ start: 5, end: 15, category: "NAME" }],
      keep: [
        { start: 17, end: 26 },
        { start: 28, end: 35 },
      ],
    };
    const score = emptyScore();
    scoreRecord(score, gold, "Wife [NAME] Smith; BP 120/80; [NAME] 7B");
    expect(score.byCategory["NAME"]).toEqual({ gold: 1, removed: 0 });
    expect(score.decoys).toEqual({ gold: 2, removed: 1 });
    expect(score.spurious).toBe(1);
  });

  it("a record the engine refuses leaks nothing but keeps no decoy either", () => {
    const score = emptyScore();
    scoreRecord(
      score,
      {
        id: "r",
        text: "Jane; BP 1/2",
        spans: [{ start: 0, end: 4, category: "NAME" }],
        keep: [{ start: 6, end: 12 }],
      },
      null,
    );
    expect(score.byCategory["NAME"]).toEqual({ gold: 1, removed: 1 });
    expect(score.decoys).toEqual({ gold: 1, removed: 0 });
  });
});

describe("end to end", () => {
  it("the engine clears the harness's bar on a small corpus: names ≥ 0.95, formatted identifiers 1.0, decoys ≥ 0.995", () => {
    const result = evaluate(generateCorpus({ seed: 2026, count: 120 }), { strategy: "pseudonymisation" });
    const recall = (c: string) => {
      const t = result.score.byCategory[c];
      return t ? t.removed / t.gold : 1;
    };
    expect(result.score.unaligned).toBe(0);
    expect(recall("NAME")).toBeGreaterThanOrEqual(0.95);
    expect(recall("NAME (patient)")).toBe(1);
    for (const c of ["NHS_NUMBER", "PHONE", "EMAIL", "POSTCODE", "NI_NUMBER", "DATE", "PATIENT_ID"])
      expect(recall(c)).toBe(1);
    expect(result.score.decoys.removed / result.score.decoys.gold).toBeGreaterThanOrEqual(0.995);
  });

  it("the detector is what finds other people: off, names recall drops", () => {
    const corpus = generateCorpus({ seed: 11, count: 60 });
    const on = evaluate(corpus, { strategy: "redaction" }).score.byCategory["NAME (others)"];
    const off = evaluate(corpus, { strategy: "redaction", personNames: false }).score.byCategory[
      "NAME (others)"
    ];
    expect((off?.removed ?? 0) / (off?.gold ?? 1)).toBeLessThan((on?.removed ?? 0) / (on?.gold ?? 1));
  });

  it("the report withholds values for a user's own notes", () => {
    const gold: GoldRecord[] = [
      { id: "u1", text: "Spoke to Zebedee.", spans: [{ start: 9, end: 16, category: "NAME" }] },
    ];
    const result = evaluate(gold, { strategy: "redaction", personNames: false });
    const { text, json } = report(result, {
      source: { gold: "x" },
      strategy: "redaction",
      personNames: false,
      examples: 5,
      showValues: false,
    });
    expect(text).not.toContain("Zebedee");
    expect(JSON.stringify(json)).not.toContain("Zebedee");
    expect(text).toMatch(/NAME\s+1\s+0\s+0\.0000/);
  });
});
