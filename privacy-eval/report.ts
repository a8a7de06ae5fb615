import { cpus, loadavg } from "node:os";
import { CATEGORIES } from "./gold.ts";
import type { RunResult } from "./run.ts";
import type { Miss, Tally } from "./score.ts";

export interface ReportOptions {
  readonly source: Record<string, unknown>;
  readonly strategy: string;
  readonly personNames: boolean;
  readonly examples: number;
  /** Print values and context of misses: only for the synthetic corpus, never for a user's own notes. */
  readonly showValues: boolean;
}

function ratio(t: Tally): number {
  return t.gold === 0 ? 1 : Number((t.removed / t.gold).toFixed(4));
}

/** Report order: the gold categories, names split into the patient's own and other people's. */
const ORDER = CATEGORIES.flatMap((c): string[] =>
  c === "NAME" ? ["NAME", "NAME (patient)", "NAME (others)"] : [c],
);

function examples(list: readonly Miss[], n: number, showValues: boolean): Miss[] {
  // Spread the examples over the list rather than taking the first n, so one template does not fill them.
  const step = Math.max(1, Math.floor(list.length / Math.max(1, n)));
  const picked: Miss[] = [];
  for (let i = 0; i < list.length && picked.length < n; i += step) {
    const m = list[i] as Miss;
    picked.push(
      showValues ? m : { id: m.id, category: m.category, value: "(withheld)", context: "(withheld)" },
    );
  }
  return picked;
}

export function report(
  result: RunResult,
  options: ReportOptions,
): { text: string; json: Record<string, unknown> } {
  const { score } = result;
  const categories = ORDER.filter((c) => score.byCategory[c] !== undefined).map((c) => {
    const t = score.byCategory[c] as Tally;
    return { category: c, gold: t.gold, removed: t.removed, recall: ratio(t) };
  });
  const json = {
    source: options.source,
    strategy: options.strategy,
    personNames: options.personNames,
    node: process.version,
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    cores: cpus().length,
    records: score.records,
    refusedRecords: score.failed,
    unalignedRecords: score.unaligned,
    recall: categories,
    ownIdentifierValues: score.ownValues,
    decoys: { total: score.decoys.gold, keptVerbatim: score.decoys.removed, precision: ratio(score.decoys) },
    spuriousReplacements: score.spurious,
    recordsPerSecond: result.recordsPerSecond,
    missExamples: examples(score.misses, options.examples, options.showValues),
    decoyMissExamples: examples(score.decoyMisses, options.examples, options.showValues),
    spuriousExamples: examples(score.spuriousExamples, options.examples, options.showValues),
  };
  const lines = [
    `privacy evaluation: ${score.records} records (${Object.entries(options.source)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ", ",
      )}), strategy ${options.strategy}, person-name detector ${options.personNames ? "on" : "off"}`,
    `engine: ${result.recordsPerSecond} records/s (one thread, anonymise() only, median pass of ≥ 1.5 s of passes), node ${process.version}, load average ${json.loadAverage1m} on ${json.cores} cores`,
    score.failed + score.unaligned > 0
      ? `refused by the engine: ${score.failed}; output not alignable: ${score.unaligned}`
      : "every record anonymised and aligned",
    "",
    `${"category".padEnd(16)}${"gold".padStart(7)}${"removed".padStart(9)}${"recall".padStart(9)}`,
    ...categories.map(
      (c) =>
        `${c.category.padEnd(16)}${String(c.gold).padStart(7)}${String(c.removed).padStart(9)}${c.recall.toFixed(4).padStart(9)}`,
    ),
    "",
    `record's own identifiers: ${score.ownValues.leaked} of ${score.ownValues.total} distinct values leaked in some rendering`,
    `decoys kept verbatim: ${score.decoys.removed}/${score.decoys.gold} = precision ${ratio(score.decoys).toFixed(4)}`,
    `spurious replacements (text outside every gold span removed): ${score.spurious}`,
  ];
  const section = (title: string, list: readonly Miss[]) => {
    if (list.length === 0) return;
    lines.push("", `${title} (${list.length}):`);
    for (const m of examples(list, options.examples, options.showValues))
      lines.push(`  ${m.category.padEnd(15)} ${JSON.stringify(m.value)}  in  ${JSON.stringify(m.context)}`);
  };
  section("misses", score.misses);
  section("decoys damaged", score.decoyMisses);
  section("spurious replacements", score.spuriousExamples);
  return { text: lines.join("\n"), json };
}
