import type { Category, GoldRecord } from "./gold.ts";

/**
 * Scoring. The engine's output is the note with some stretches replaced by placeholders ("[NAME]") or tokens
 * ("PAT-k1-…"); everything else is the original text, in order. Aligning the literal pieces of the output back
 * onto the note gives, for every character of the note, whether it was kept. Then:
 *
 * - a gold span is removed when none of its letters or digits was kept (a surviving fragment counts as a miss);
 * - a decoy (keep range) is kept when every one of its characters was kept;
 * - a removed stretch that touches no gold span is a spurious replacement (over-redaction, shown as examples).
 */

const REPLACEMENT = /\[[A-Z_]{2,20}\]|\b[A-Z]{2,5}-[A-Za-z0-9_]{1,16}-[A-Z2-7]{26}\b/g;

/** 1 where the original character survives in the output; null when the output cannot be aligned. */
export function keptMask(original: string, output: string): Uint8Array | null {
  const mask = new Uint8Array(original.length);
  let cursor = 0;
  for (const piece of output.split(REPLACEMENT)) {
    if (piece.length === 0) continue;
    const at = original.indexOf(piece, cursor);
    if (at < 0) return null;
    mask.fill(1, at, at + piece.length);
    cursor = at + piece.length;
  }
  return mask;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

function removed(text: string, mask: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (mask[i] === 1 && WORD_CHAR.test(text[i] as string)) return false;
  return true;
}

export interface Miss {
  readonly id: string;
  readonly category: string;
  readonly value: string;
  readonly context: string;
}

export interface Tally {
  gold: number;
  removed: number;
}

export interface Score {
  readonly records: number;
  readonly unaligned: number;
  readonly failed: number;
  readonly byCategory: Record<string, Tally>;
  readonly ownValues: { total: number; leaked: number };
  readonly decoys: Tally;
  readonly spurious: number;
  readonly misses: Miss[];
  readonly decoyMisses: Miss[];
  readonly spuriousExamples: Miss[];
}

export function emptyScore(): Score {
  return {
    records: 0,
    unaligned: 0,
    failed: 0,
    byCategory: {},
    ownValues: { total: 0, leaked: 0 },
    decoys: { gold: 0, removed: 0 },
    spurious: 0,
    misses: [],
    decoyMisses: [],
    spuriousExamples: [],
  };
}

function context(text: string, start: number, end: number): string {
  return `${start > 30 ? "…" : ""}${text.slice(Math.max(0, start - 30), Math.min(text.length, end + 30))}${end + 30 < text.length ? "…" : ""}`.replace(
    /\s+/g,
    " ",
  );
}

function tally(score: Score, key: string): Tally {
  score.byCategory[key] ??= { gold: 0, removed: 0 };
  return score.byCategory[key] as Tally;
}

/** Adds one record's result to the score. `output` null means the engine refused the record (nothing left out). */
export function scoreRecord(score: Score, gold: GoldRecord, output: string | null): void {
  const s = score as { records: number; unaligned: number; failed: number; spurious: number };
  s.records++;
  const text = gold.text;
  let mask: Uint8Array;
  if (output === null) {
    // A refused record goes to the dead-letter topic: nothing leaks, and nothing clinical is published either.
    s.failed++;
    mask = new Uint8Array(text.length);
  } else {
    const aligned = keptMask(text, output);
    if (aligned === null) {
      s.unaligned++;
      return;
    }
    mask = aligned;
  }
  const ownFields = new Map<string, boolean>();
  for (const span of gold.spans) {
    const ok = removed(text, mask, span.start, span.end);
    const keys: string[] = [span.category];
    if (span.category === "NAME") keys.push(span.own ? "NAME (patient)" : "NAME (others)");
    for (const k of keys) {
      const t = tally(score, k);
      t.gold++;
      if (ok) t.removed++;
    }
    if (span.own) {
      const field = span.field ?? span.category;
      ownFields.set(field, (ownFields.get(field) ?? false) || !ok);
    }
    if (!ok)
      score.misses.push({
        id: gold.id,
        category: keys[keys.length - 1] as Category,
        value: text.slice(span.start, span.end),
        context: context(text, span.start, span.end),
      });
  }
  score.ownValues.total += ownFields.size;
  for (const leaked of ownFields.values()) if (leaked) score.ownValues.leaked++;
  for (const k of gold.keep ?? []) {
    score.decoys.gold++;
    let kept = true;
    for (let i = k.start; i < k.end; i++) if (mask[i] !== 1) kept = false;
    if (kept) score.decoys.removed++;
    else
      score.decoyMisses.push({
        id: gold.id,
        category: "DECOY",
        value: text.slice(k.start, k.end),
        context: output === null ? "(record refused)" : context(text, k.start, k.end),
      });
  }
  if (output === null) return;
  // Spurious: removed stretches of words that touch no gold span.
  for (let i = 0; i < text.length; ) {
    if (mask[i] === 1 || !WORD_CHAR.test(text[i] as string)) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && mask[j] === 0) j++;
    const touches = gold.spans.some((g) => g.start < j && g.end > i);
    if (!touches) {
      s.spurious++;
      score.spuriousExamples.push({
        id: gold.id,
        category: "SPURIOUS",
        value: text.slice(i, j).trim(),
        context: context(text, i, j),
      });
    }
    i = j;
  }
}
