import type { PatientRecordJson } from "../dev/synthetic/index.ts";

/**
 * The gold format: one JSON object per line (JSONL), the same for the synthetic corpus and for a user's own
 * annotated notes (docs/privacy-evaluation.md describes it with an example).
 *
 *   {"id": "note-1", "text": "Spoke to wife Jane ...", "record": {"given_name": "...", ...},
 *    "spans": [{"start": 14, "end": 18, "category": "NAME"}], "keep": [{"start": 30, "end": 39}]}
 *
 * Offsets are UTF-16 code-unit offsets into `text` (JavaScript string indices), end exclusive. `record` holds the
 * structured fields of the record the note belongs to (any of PatientRecordJson's), so the record's own
 * identifiers are matched as in production; `keep` lists clinical text that must survive verbatim.
 */

export const CATEGORIES = [
  "NAME",
  "ADDRESS",
  "NHS_NUMBER",
  "PHONE",
  "EMAIL",
  "POSTCODE",
  "NI_NUMBER",
  "DATE",
  "PATIENT_ID",
  "ID_NUMBER",
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface GoldSpan {
  readonly start: number;
  readonly end: number;
  readonly category: Category;
  /** The span is one of the record's own identifiers (in the note in some rendering). */
  readonly own?: boolean;
  /** Which structured field it renders, when own (for counting distinct leaked values). */
  readonly field?: string;
}

export interface GoldRecord {
  readonly id: string;
  readonly text: string;
  readonly record?: Partial<PatientRecordJson>;
  readonly spans: readonly GoldSpan[];
  readonly keep?: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

function fail(line: number, message: string): never {
  throw new Error(`gold line ${line}: ${message}`);
}

function range(line: number, what: string, r: unknown, length: number): { start: number; end: number } {
  const { start, end } = (r ?? {}) as { start?: unknown; end?: unknown };
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    (start as number) < 0 ||
    (end as number) > length ||
    (start as number) >= (end as number)
  ) {
    fail(line, `${what} needs integer start < end within the text`);
  }
  return { start: start as number, end: end as number };
}

/** Parses and checks a gold JSONL document; errors name the line and the rule, never the text. */
export function parseGold(jsonl: string): GoldRecord[] {
  const out: GoldRecord[] = [];
  const lines = jsonl.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim().length === 0) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      fail(line, "not valid JSON");
    }
    const o = v as Record<string, unknown>;
    if (typeof o !== "object" || o === null || typeof o["text"] !== "string")
      fail(line, "needs a string 'text'");
    const text = o["text"] as string;
    if (!Array.isArray(o["spans"])) fail(line, "needs an array 'spans'");
    const spans = (o["spans"] as unknown[]).map((s): GoldSpan => {
      const r = range(line, "a span", s, text.length);
      const category = (s as { category?: unknown }).category;
      if (typeof category !== "string" || !(CATEGORIES as readonly string[]).includes(category)) {
        fail(line, `span category must be one of ${CATEGORIES.join(", ")}`);
      }
      const own = (s as { own?: unknown }).own === true;
      const field = (s as { field?: unknown }).field;
      return { ...r, category: category as Category, own, ...(typeof field === "string" ? { field } : {}) };
    });
    const keep =
      o["keep"] === undefined
        ? []
        : Array.isArray(o["keep"])
          ? (o["keep"] as unknown[]).map((k) => range(line, "a keep range", k, text.length))
          : fail(line, "'keep' must be an array");
    const record = o["record"];
    if (record !== undefined && (typeof record !== "object" || record === null || Array.isArray(record)))
      fail(line, "'record' must be an object");
    out.push({
      id: typeof o["id"] === "string" ? (o["id"] as string) : `line-${line}`,
      text,
      ...(record === undefined ? {} : { record: record as Partial<PatientRecordJson> }),
      spans,
      keep,
    });
  });
  return out;
}

export function toGoldLine(r: GoldRecord): string {
  return JSON.stringify({ id: r.id, text: r.text, record: r.record, spans: r.spans, keep: r.keep ?? [] });
}
