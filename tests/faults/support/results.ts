import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** One line of the fault table: what went in and where every record ended up. */
export interface FaultRow {
  case: string;
  recordsIn: number;
  anonymisedPlusWithheld: number;
  deadLettered: number;
  duplicates: number;
  lost: number;
  pseudonymsChecked: number;
  note: string;
}

/** Appends a row (the teardown prints them all); written before the assertions so a failing case still shows. */
export function recordFaultRow(row: FaultRow): void {
  const file = process.env["FAULTS_RESULTS_FILE"];
  if (!file) return;
  const rows: FaultRow[] = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as FaultRow[]) : [];
  rows.push(row);
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
}

export function formatFaultTable(rows: FaultRow[]): string {
  const header = [
    "case",
    "records in",
    "anonymised+withheld",
    "dead-lettered",
    "duplicates",
    "lost",
    "pseudonyms checked",
    "note",
  ];
  const body = rows.map((r) => [
    r.case,
    String(r.recordsIn),
    String(r.anonymisedPlusWithheld),
    String(r.deadLettered),
    String(r.duplicates),
    String(r.lost),
    String(r.pseudonymsChecked),
    r.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
