import { findNumbers } from "libphonenumber-js/max";
import { LruCache } from "./lru.ts";
import { isValidNhsNumber } from "./nhs-number.ts";
import { foldNote, foldString, isAscii, isFoldedWordChar, keyOf } from "./text/fold.ts";
import { gazetteer } from "./text/gazetteer.ts";
import { addressRenderings, nameRenderings, nicknameRenderings } from "./text/own-renderings.ts";
import { findPersonNames, useGazetteer } from "./text/person-names.ts";
import {
  CALENDAR,
  CLINICAL,
  JOB_TITLES,
  LANGUAGES,
  NOT_INITIALS,
  PERSON_NOUNS,
  RECORD_ABBREVIATIONS,
  ROLE_NOUNS,
  SERVICE_ABBREVIATIONS,
  STAFF_ROLES,
  TITLES,
} from "./text/vocabulary.ts";

/**
 * Free-text scrubbing for clinical notes. Detectors find spans; overlapping spans are merged (a union never leaks
 * a fragment); each merged span is replaced by a typed placeholder or, for identifiers that have a structured
 * pseudonym, by the same token the structured field gets.
 *
 * Linear by construction: every regex here is compiled once at module load and every quantifier is bounded
 * (`{m,n}` or `?`), so the work per start position is bounded and a scan is O(length). Emails are found by scanning
 * out from each `@` rather than by a regex, because the usual e-mail regex backtracks quadratically on long runs
 * of word characters. Callers cap the length before calling (see the scrub-text operator).
 *
 * People's names: the record's own names and address are matched in every rendering (text/own-renderings.ts,
 * on folded text: any case, with or without diacritics, Gaelic prefixes, abbreviated street types); names of
 * other people (relatives, carers, staff) are found by a gazetteer-and-cue detector (text/person-names.ts).
 */

export const ENTITY_TYPES = [
  "NHS_NUMBER",
  "EMAIL",
  "PATIENT_ID",
  "NI_NUMBER",
  "POSTCODE",
  "DATE",
  "PHONE",
  "ADDRESS",
  "NAME",
  "ID_NUMBER",
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** Earlier in ENTITY_TYPES wins when two spans start at the same place with the same length. */
const PRIORITY: Record<EntityType, number> = Object.fromEntries(ENTITY_TYPES.map((t, i) => [t, i])) as Record<
  EntityType,
  number
>;

export const DEFAULT_MAX_TEXT_LENGTH = 10_000;

const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\\.?";
/**
 * A day of the week written before a date ("Mon 14/10/2024", "Tues, 5 Nov 2024") belongs to it: left in place,
 * it would tell a reader a seventh of what the date was.
 */
const WEEKDAY_NAMES = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
  "Mon",
  "Tues",
  "Tue",
  "Weds",
  "Wed",
  "Thurs",
  "Thur",
  "Thu",
  "Fri",
  "Sat",
  "Sun",
];
/** Each word, with a capital and in capitals, as alternatives. */
const capitalsToo = (words: string): string =>
  words
    .split(" ")
    .flatMap((w) => [w, w.toUpperCase()])
    .join("|");
/** A day as written, with a capital or in capitals, whatever the date pattern's case: "she wed" is a verb. */
const WEEKDAY_WORD = `(?-i:${capitalsToo(WEEKDAY_NAMES.join(" "))})\\.?`;
/** A day of the week before any form of date ("Mon 14/10/2024"). */
const WEEKDAY = `(?:\\b${WEEKDAY_WORD},?[ ]{1,3})?`;
const ORDINAL = "(?:st|nd|rd|th)?";

const MONTH_NAMES = "January February March April May June July August September October November December";
const MONTH_ABBREVIATIONS = "Jan Feb Mar Apr Jun Jul Aug Sept Sep Oct Nov Dec";
/**
 * A month's name, or its usual abbreviation with or without a full stop, as a date without a year writes it: with
 * a capital or in capitals. Without a year beside it, "may", "mar" or "dec" in lower case are words ("she may",
 * "dec appetite").
 */
const MONTH_WORD = `(?-i:${capitalsToo(MONTH_NAMES)}|(?:${capitalsToo(MONTH_ABBREVIATIONS)})\\.?)(?![A-Za-z])`;
/**
 * A day and a month in figures without a year ("24/04", "03/05"). Clinical shorthand writes durations the same way
 * ("2/52" weeks, "3/12" months, "5/7" days, "aged 18/12") and scores ("10/10", "GCS 14/15"), so only forms that
 * shorthand does not use count: a day written with two figures (a zero-padded day, or 10 to 31), never a month of
 * "12" or "7" after a day that is not zero-padded, nor "10/10"; no figure, "/" or decimal point next to it.
 */
const DAY_MONTH_FIGURES =
  "(?<![\\d/.,])(?!10/10)(?:0[1-9]/(?:0[1-9]|1[0-2])|(?:1[0-2])/(?:0[1-9]|1[01])|(?:1[3-9]|2\\d|3[01])/(?:0[1-9]|1[01]|[1-689]))(?![\\d/]|\\.\\d)";

/** A valid day and month in figures, any form ("7/5", "12/3", "03/11"), read where other evidence makes it a date. */
const VALID_DAY_MONTH = /(?:0?[1-9]|[12]\d|3[01])\/(?:0?[1-9]|1[0-2])(?![\d/]|\.\d)/y;
/** Figures and a "/" after a day of the week, whatever they are ("Fri 9/13" is a date written the American way). */
const FIGURES_SLASH_FIGURES = /\d{1,2}\/\d{1,2}(?![\d/]|\.\d)/y;
/** A day of the week right before the figures: "Tues 7/5", "FRI, 9/6". */
const WEEKDAY_BEFORE = new RegExp(`\\b${WEEKDAY_WORD},?[ ]{1,3}$`);
/** A line's or a quotation's start right before the figures. */
const ENTRY_START_BEFORE = /(?:^|\n[ ]{0,3}|["“(])$/;
/** A time of day after the figures ("12/3 07:45"), or "at" and a time ("9/6 at 10:15"). */
const TIME_OF_DAY = "(?:[01]?\\d|2[0-3])[:.][0-5]\\d(?!\\d)";
const TIME_AFTER = new RegExp(`,?[ ]{1,2}${TIME_OF_DAY}`, "y");
const AT_TIME_AFTER = new RegExp(`[ ]{1,2}at[ ]{1,2}${TIME_OF_DAY}`, "iy");
/** A log entry's 24-hour time in four figures ("4/10 0815", "7/9 2215hrs"), not a dose or an amount. */
const FOUR_FIGURE_TIME_AFTER =
  /,?[ ]{1,2}(?:[01]\d|2[0-3])[0-5]\d(?:[ ]?(?:h|hrs|hours))?(?![\d.:%]|[ ]?(?:mg|mcg|ug|ml|mL|g|kg|units?|iu|IU|mmol|ml\/h)\b)/y;

/** The next item of a list of dates, written in full: ", 18/12/2024", " and 2/1/25" after "11/12". */
const FULL_DATE_NEXT_IN_LIST =
  /(?:,[ ]{1,2}|[ ]{1,2}(?:and|&|or|then)[ ]{1,2})(?:0?[1-9]|[12]\d|3[01])\/(?:0?[1-9]|1[0-2])\/(?:\d{4}|\d{2})(?![\d/])/y;

/**
 * A day and a month in figures in any form where the words around it make it a date, which DAY_MONTH_FIGURES alone
 * does not take ("7/5" may be a duration): after a day of the week ("Tues 7/5"), before a time at the start of a
 * line or a quotation (a log entry's "12/3 07:45"), before "at" and a time ("9/6 at 10:15"), or before the next
 * date of a list written in full, the day in two figures ("on 04/12, 11/12/2024 and 18/12/2024"; not "cough 2/12
 * and 11/12/2024", "VA 6/12, 14/01/2025"). Read at each "/"
 * with a figure before it, so the notes without one cost a scan for "/".
 */
function findDayMonths(text: string, spans: Span[]): void {
  for (let slash = text.indexOf("/"); slash >= 0; slash = text.indexOf("/", slash + 1)) {
    let start = slash;
    while (start > 0 && slash - start < 2 && isDigitAt(text, start - 1)) start--;
    if (start === slash || (start > 0 && PRECEDES_FIGURES.test(text.charAt(start - 1)))) continue;
    const before = text.slice(Math.max(0, start - 14), start);
    const weekday = WEEKDAY_BEFORE.exec(before);
    if (weekday !== null) {
      FIGURES_SLASH_FIGURES.lastIndex = start;
      const any = FIGURES_SLASH_FIGURES.exec(text);
      if (any !== null)
        spans.push({
          start: start - weekday[0].length,
          end: start + any[0].length,
          entity: "DATE",
          replacement: undefined,
        });
      continue;
    }
    VALID_DAY_MONTH.lastIndex = start;
    const m = VALID_DAY_MONTH.exec(text);
    if (m === null) continue;
    const end = start + m[0].length;
    TIME_AFTER.lastIndex = end;
    AT_TIME_AFTER.lastIndex = end;
    FOUR_FIGURE_TIME_AFTER.lastIndex = end;
    FULL_DATE_NEXT_IN_LIST.lastIndex = end;
    const entry = start === 0 || ENTRY_START_BEFORE.test(before);
    if (
      (entry && (TIME_AFTER.test(text) || FOUR_FIGURE_TIME_AFTER.test(text))) ||
      AT_TIME_AFTER.test(text) ||
      (slash - start === 2 && FULL_DATE_NEXT_IN_LIST.test(text)) ||
      cuedDayMonth(text, before, m[0], end) ||
      timedDayMonth(text, before, m[0], end)
    )
      spans.push({ start, end, entity: "DATE", replacement: undefined });
  }
}

/**
 * A preposition of time, or a word for an event or what is done on a day, right before the figures: "on 3/5",
 * "born 2/5", "letter sent 3/3", "clinic 5/2" (not "by", "after", "call" or "visit": "reduced by 1/3", "after 3/6
 * cycles", "visit 2/4" of four).
 */
const DATE_CUE_BEFORE =
  /\b(?:on|from|until|till|since|dated|born|booked|sent|posted|admitted|discharged|clinic|appt|appointment|event)[ ]{1,2}$/i;
/** What makes the figures a count, a fraction or a score after all: "on 3/4 days", "from 3/5 to 4/5", "2/5 ago". */
const NOT_A_DATE_AFTER =
  /[ ]{0,2}(?:to|->|→|-)[ ]{0,2}\d|[ ]{1,2}(?:ago|days?|nights?|weeks?|months?|years?|hours?|hrs?|hourly|occasions?|times|visits?|calls?|samples?|cycles?|sessions?|doses?|tablets?|tabs?|pints?|units?|of|x|staples|sutures|clips|cultures|bottles|bags|attempts|episodes|features|criteria|pupils|RNs|HCAs|staff|beds)\b/iy;
/** The fractions shorthand writes most ("on 1/2 dose", "from 3/4 of the way"): no day and month after a cue. */
const COMMON_FRACTIONS: ReadonlySet<string> = new Set(["1/2", "1/3", "2/3", "1/4", "2/4", "3/4"]);

/**
 * A day and a month after a date's cue (DATE_CUE_BEFORE), not a month of "7" or "12" without its zero (days and
 * months of shorthand: "seen 2/7 ago", "review 3/12"), nor figures a count or a score follows.
 */
function cuedDayMonth(text: string, before: string, figures: string, end: number): boolean {
  if (!DATE_CUE_BEFORE.test(before)) return false;
  const month = figures.slice(figures.indexOf("/") + 1);
  return month !== "7" && month !== "12" && !fractionOrCount(text, figures, end);
}

/** Figures that are a common fraction, or that a count, a unit or a range follows (NOT_A_DATE_AFTER). */
function fractionOrCount(text: string, figures: string, end: number): boolean {
  if (COMMON_FRACTIONS.has(figures)) return true;
  NOT_A_DATE_AFTER.lastIndex = end;
  return NOT_A_DATE_AFTER.test(text);
}

/** A time of day, with a space or a comma, right before the figures: a log entry's "21:40 28/12". */
const TIME_BEFORE = new RegExp(`(?:^|[\\s(])${TIME_OF_DAY}(?:[ ]?(?:hrs|h))?,?[ ]{1,2}$`);

/**
 * Figures after a time that are no date: a score out of 4, 5, 9 or 10 ("14:00 3/5 power", "08:00 6/10 pain",
 * "06:30 4/9 CAM"), a count of a count ("15:00 2/2 cultures"), visual acuity ("6/6", "6/9"), and days or months of
 * shorthand ("10:00 1/7 post-op", "09:00 5/12 old", "18/12": up to 13 days, up to 23 months).
 */
const NOT_A_DATE_AFTER_TIME =
  /^(?:[0-4]\/4|[0-5]\/5|[0-9]\/9|(?:[1-9]|10)\/10|(\d{1,2})\/0?\1|6\/\d{1,2}|(?:[1-9]|1[0-3])\/7|(?:[1-9]|1\d|2[0-3])\/12)$/;

/**
 * A day and a month right after a time of day ("21:40 28/12", "09.15, 4/3"), as logs write an entry's time before
 * its date; not a common fraction, a score, nor figures a count or a unit follows ("08:00 1/2 tab", "10:00 2/3
 * doses", "14:00 3/5 power").
 */
function timedDayMonth(text: string, before: string, figures: string, end: number): boolean {
  if (!TIME_BEFORE.test(before) || NOT_A_DATE_AFTER_TIME.test(figures)) return false;
  // A count out of a whole is never more than the whole ("13:00 2/6 doses given", "3/6 items"): figures with a
  // first number no greater than the second are a date only with a zero written ("21:40 03/11").
  const slash = figures.indexOf("/");
  if (Number(figures.slice(0, slash)) <= Number(figures.slice(slash + 1)) && !figures.includes("0"))
    return false;
  return !fractionOrCount(text, figures, end);
}

/** Characters that make figures part of something else: a longer number, a fraction, a decimal, a list. */
const PRECEDES_FIGURES = /[\d/.,]/;

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** A month's name or abbreviation as a date writes it (MONTH_WORD), not a possessive. */
const MONTH_NAMED = new RegExp(`\\b${MONTH_WORD}(?!['’])`, "g");
/** A figure right after a month's name: the month is part of a date the DATE pattern reads, or a day follows. */
const FIGURE_AFTER = /[ ]?\d/y;
/**
 * A day with no ordinal after a month's name with a capital ("Jan 12", "Sept 4"), not a dose, a count, a duration
 * or a time ("May 5 mg", "Mar 2 x daily", "June 3 pm").
 */
const DAY_AFTER_MONTH =
  /[ ]{1,2}(?:3[01]|[12]\d|[1-9])(?!\d|[:.,/]\d|[ ]?%|[ ]?(?:mg|mcg|ug|ml|g|kg|mmol|units?|iu|x|times|doses?|tabs?|tablets?|puffs?|stat|days?|weeks?|wks?|hours?|hrs?|mins?|minutes?|am|pm|months?|years?|yrs?|visits?|visitors?|sessions?|children|people|staff)\b|[ ]{1,2}(?!(?:at|in|on|and|or|to|for|with|by|from|until|then|when|as|via|the|next|this|review|appt|clinic)\b)(?-i:[a-z]))/iy;
/** The words that make a month alone a time, right before it. */
const TIME_WORD_BEFORE =
  /\b(?:in|since|until|till|during|due|early|late|mid|last|next|this|by|after|before|from|review|LMP|EDD|(?:end|start|beginning|middle)[ ]of)[ -]{1,2}$/i;
/**
 * "the 14th" or "14th", not "the 3rd attempt", "2nd-line" or "45th"; "14th" without "the" only before no word and
 * no comma ("on 4th and 5th fingers", "on 2nd of 3 bags", "review 2nd, 3rd and 4th toes" stay).
 */
const THE_ORDINAL_DAY =
  /\b(?:the[ ]{1,2}(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)\b(?![ ]{1,2}(?!(?:at|of|in|and|or|to)\b)[A-Za-z]|-[A-Za-z])|(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)\b(?![ ]{0,2}[A-Za-z]|-|[ ]?,))/gi;
/** The prepositions (and "review", "due") that make "the 14th" or "14th" a date, right before it. */
const DAY_PREPOSITION_BEFORE = /\b(?:on|from|until|till|by|before|after|since|review|due)[ ]{1,2}$/i;

/**
 * A month written alone after a word that makes it a time ("in November", "due Sept", "until June", "mid-August",
 * "end of March"), a month with a capital and a day with no ordinal ("Jan 12"), and a day of the month after a
 * preposition ("on the 14th", "review 29th", not "on the 3rd attempt"). The month with a capital or in capitals,
 * and not a possessive ("in June's words"). HIPAA's Safe Harbor counts a month as a date element; a year alone is
 * not one, and stays ("in 2019").
 *
 * Months alone and days found by MONTH_NAMED and THE_ORDINAL_DAY are kept when the word before them (read on the 20
 * characters before: the longest is "beginning of ") makes them a date. Matching the month or the day first and
 * looking back only there costs a scan per note; a look-behind in the pattern ran at every capital of a note full of
 * names.
 */
function findDatesAfterWords(text: string, spans: Span[]): void {
  const months = MONTH_NAMED;
  months.lastIndex = 0;
  for (let m = months.exec(text); m !== null; m = months.exec(text)) {
    const end = m.index + m[0].length;
    FIGURE_AFTER.lastIndex = end;
    if (FIGURE_AFTER.test(text)) {
      // In capitals a month's abbreviation is as often a word ("MAR 2 signed", "DEC 2 bases").
      DAY_AFTER_MONTH.lastIndex = end;
      const day = isCapitalAt(text, m.index + 1) ? null : DAY_AFTER_MONTH.exec(text);
      if (day !== null)
        spans.push({ start: m.index, end: end + day[0].length, entity: "DATE", replacement: undefined });
      continue;
    }
    if (!TIME_WORD_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index))) continue;
    // A month's abbreviation keeps the full stop that ends a sentence ("due Sept."): it is the sentence's.
    spans.push({
      start: m.index,
      end: text.charCodeAt(end - 1) === 46 ? end - 1 : end,
      entity: "DATE",
      replacement: undefined,
    });
  }
  const days = THE_ORDINAL_DAY;
  days.lastIndex = 0;
  for (let m = days.exec(text); m !== null; m = days.exec(text)) {
    if (DAY_PREPOSITION_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index)))
      spans.push({ start: m.index, end: m.index + m[0].length, entity: "DATE", replacement: undefined });
  }
}

/** The first day of a range right before a date found from its day: "4th-6th June", "4 to 6 June", "4/5 Jan". */
const FIRST_DAY_BEFORE =
  /(?<![\p{L}\p{N}/.,:])(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?:[ ]?[-–—][ ]?|\/|[ ](?:to|and|&)[ ])$/u;

/**
 * A date found from its day takes the first day of a range written before it ("4th-6th June", "12 to 14 March"):
 * left in place, the first day would date the event as well as the date does.
 */
function withDayRanges(text: string, spans: readonly Span[]): void {
  for (const span of spans) {
    if (span.entity !== "DATE" || !isDigitAt(text, span.start) || span.start < 2) continue;
    // Read only after what ends a range's first half: a dash, a slash, "&", "to" or "and" (its last letter).
    const c = text.charCodeAt(text.charCodeAt(span.start - 1) === 32 ? span.start - 2 : span.start - 1);
    if (!(c === 45 || c === 47 || c === 38 || c === 111 || c === 100 || c === 0x2013 || c === 0x2014))
      continue;
    const range = FIRST_DAY_BEFORE.exec(text.slice(Math.max(0, span.start - 10), span.start));
    if (range !== null) span.start -= range[0].length;
  }
}

/** The street types of the four street patterns below, as each writes them. */
const STREET_TYPES_TITLED = (
  "Road Street Lane Avenue Close Drive Way Crescent Gardens Place Court Terrace Grove Hill Park Square " +
  "Walk Mews Row Rise Green Parade Rd St Ave Av Gdns Cres Tce Ln Sq"
).split(" ");
const STREET_TYPES_NUMBERED = "Cl Ln Dr Pl Ct Terr Sq Gr Gro Pk Pde Cresc".split(" ");
const STREET_TYPES_ANY_CASE = (
  "road street avenue lane crescent gardens terrace court square grove mews " +
  "rd st ave av gdns cres cl ln ct pl sq tce terr pde"
).split(" ");
const STREET_TYPES_UPPER = (
  "ROAD STREET AVENUE LANE CLOSE DRIVE WAY CRESCENT GARDENS PLACE COURT TERRACE GROVE SQUARE HILL PARK " +
  "WALK MEWS ROW RISE GREEN PARADE RD ST AVE AV CL LN DR CRES GDNS PL CT TERR TCE SQ GR PDE"
).split(" ");

/** A street type that ends a street: not followed by a letter or digit, an optional full stop after it. */
function typeWord(types: readonly string[]): string {
  return `(?:${types.join("|")})(?![\\p{L}\\p{N}])\\.?`;
}

/**
 * Every street pattern ends with a space, one of its street types and no letter or digit after it. A note with no
 * such word, in any case (the Unicode case-insensitive match takes in every case-sensitive one), has no street for
 * them to find, and is spared their four scans: most notes name no street.
 */
export const STREET_TYPE_AFTER_SPACE = new RegExp(
  `[ ](?:${[...new Set([...STREET_TYPES_TITLED, ...STREET_TYPES_NUMBERED, ...STREET_TYPES_ANY_CASE, ...STREET_TYPES_UPPER].map((t) => t.toLowerCase()))].join("|")})(?![\\p{L}\\p{N}])`,
  "iu",
);

/** A UK postcode's outward and inward codes, with or without the space between them. */
const POSTCODE_BODY = "[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}";

/** Exported so tests can check the patterns structurally. */
export const PATTERNS = {
  NHS_CANDIDATE: /(?<!\d)\d{3}[ .-]?\d{3}[ .-]?\d{4}(?!\d)/g,
  DATE: new RegExp(
    `${WEEKDAY}(?:${[
      "(?<!\\d)\\d{4}-\\d{1,2}-\\d{1,2}(?!\\d)",
      "(?<!\\d)\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})(?!\\d)",
      "(?<!\\d)\\d{1,2} \\d{1,2} \\d{4}(?!\\d)",
      `\\b\\d{1,2}${ORDINAL}[ ]{1,3}(?:of[ ]{1,3})?${MONTH},?[ ]{1,3}\\d{4}\\b`,
      `\\b${MONTH}[ ]{1,3}\\d{1,2}${ORDINAL},?[ ]{1,3}\\d{4}\\b`,
      // "09-Feb-1989", "12-Mar-24", "3.Jan.2024": the day, the month's name and the year joined by - . or /; or
      // run together ("17MAR1951", "4Jul48", as ambulance and alert systems write a date of birth).
      `(?<!\\d)\\d{1,2}(?:[-/.]${MONTH}[-/.]|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))(?:\\d{4}|\\d{2})(?!\\d)`,
      // Without a year, or with two figures, after the forms with four: "14th March", "4 January", "Mon 11 Mar",
      // "8 Mar 24", "Nov 2023", "June 10th", "Tues 13th", "Thursday the 14th", "24/04".
      `\\b\\d{1,2}${ORDINAL}[ ]{1,3}(?:of[ ]{1,3})?${MONTH_WORD}(?:[ ]'?\\d{2}\\b(?![:.]\\d|[ ]?(?:mg|mcg|ug|ml|mL|g|kg|mmol|units?|iu|IU)\\b))?`,
      `\\b${MONTH_WORD},?[ ]{1,3}(?:\\d{1,2}(?:st|nd|rd|th)|(?:19|20)\\d{2})\\b`,
      `\\b${WEEKDAY_WORD}[ ]{1,3}(?:the[ ]{1,3})?\\d{1,2}(?:st|nd|rd|th)\\b`,
      DAY_MONTH_FIGURES,
    ].join("|")})`,
    "gi",
  ),
  POSTCODE: new RegExp(`\\b(?:${POSTCODE_BODY}|GIR ?0AA)\\b`, "gi"),
  NI_NUMBER: /\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gi,
  TITLE_NAME:
    /\b(?<title>Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Nurse|Sister|Father|Rev|MR|MRS|DR|PROF|REV)\.?[ ]{1,3}(?<name>(?:\p{Lu}\.[ ]{0,3}|\p{Lu}[ ]{1,3}){0,3}\p{Lu}[\p{L}\p{M}'’-]{1,30}(?:[ ]{1,3}\p{Lu}[\p{L}\p{M}'’-]{1,30})?)/gu,
  STREET: new RegExp(
    `(?:\\b\\d{1,4}[A-Za-z]?,?[ ]{1,3})?(?:[A-Z](?:[a-z]|['’-][A-Z]?){1,20}[ ]{1,3}){1,3}${typeWord(STREET_TYPES_TITLED)}`,
    "gu",
  ),
  /** With a house number, the short street types that are also other words ("Dr", "Ct", "Cl", "Pl") are safe. */
  STREET_NUMBERED: new RegExp(
    `\\b\\d{1,4}[A-Za-z]?,?[ ]{1,3}(?:[A-Z](?:[a-z]|['’-][A-Z]?){1,20}[ ]{1,3}){1,3}${typeWord(STREET_TYPES_NUMBERED)}`,
    "gu",
  ),
  /** Lower-case or capital notes: a house number, one to three words and a street type that is no other word. */
  STREET_ANY_CASE: new RegExp(
    `\\b\\d{1,4}[a-z]?,?[ ]{1,3}(?:[a-z'’-]{2,20}[ ]{1,3}){1,3}${typeWord(STREET_TYPES_ANY_CASE)}`,
    "giu",
  ),
  /** "lives at", "c/o …,", "address:": where a street with no house number may follow. */
  STREET_CUE:
    /\b(?:lives|living|resides|staying|moved) (?:at|to)[ ,]{1,3}|\bc\/o [^,.;\n]{2,60},[ ]{1,3}|\baddress:?[ ]{1,3}/gi,
  /** A prison or young offender institution by its name: "HMP Ashgrove", "HMP YOI Moorland", "HMYOI Wetherby". */
  PRISON:
    /\b(?:HMP(?:[ ]?&?[ ]?YOI)?|HMYOI|HM[ ]Prison)[ ]\p{Lu}[\p{Ll}'’-]{2,30}(?:[ ]\p{Lu}[\p{Ll}'’-]{2,30})?/gu,
  /**
   * A school or nursery by its name: "Middleton Park Primary", "Little Acorns Nursery", "St Anne's RC Primary
   * School", "Brookfield High School", "Ysgol Treganna". findInstitutions drops a sentence's first word when it is a
   * common English word ("Attends Nursery").
   */
  SCHOOL:
    /\b(?:(?:\p{Lu}[\p{Ll}'’-]{1,30}[ ]|St\.?[ ]|RC[ ]|CE[ ]|C[ ]of[ ]E[ ]){1,4}(?:(?:Primary|Infants?|Juniors?|Nursery|Academy)(?:[ ](?:School|Academy))?|(?:High|Grammar|Secondary|Community|Special|Free|Prep|Preparatory|Junior|Infant|Primary|First|Middle|Girls['’]?|Boys['’]?)[ ]School)|Ysgol(?:[ ]\p{Lu}[\p{L}'’-]{1,30}){1,3})(?![\p{L}\p{N}])/gu,
  /** A street with no house number, in any case ("Oak Dr"), matched only right after STREET_CUE (sticky). */
  STREET_AFTER_CUE: new RegExp(
    "(?:[A-Za-z'’-]{2,20}[ ]{1,3}){1,3}" +
      "(?:road|street|avenue|lane|close|drive|way|crescent|gardens|place|court|terrace|grove|square|mews|" +
      "rd|st|ave|av|dr|cl|ln|ct|pl|sq|gr|gdns|cres|tce|terr)(?![\\p{L}\\p{N}])\\.?",
    "iyu",
  ),
  /** Capitals: with a house number every street type is safe, abbreviated or not ("71 JOHNS ST."). */
  STREET_UPPER: new RegExp(
    `\\b\\d{1,4}[A-Z]?,?[ ]{1,3}(?:[A-Z'’-]{2,20}[ ]{1,3}){1,3}${typeWord(STREET_TYPES_UPPER)}`,
    "gu",
  ),
  /**
   * A reference right after the word that introduces it: "Hosp No C0456218", "hospital number 4418203", "MRN:
   * 4418203", "hosp no QEB 4418203", "Crime ref 13/88412/24", "ref CSFD-2024-118842", "reference: H1234567/2",
   * "case no 55120", "interpreter ID 48213", "Datix W228417", a laboratory's or specimen's number ("lab no
   * K25-30118", "specimen no 2207731"; not "lab: CK 15400"), "refs BX24-2207". The reference is letters, digits, /
   * and - (a short code and a space may lead it); an evidence bag's seal, a Police National Computer number ("PNC
   * 12/889034K") or an interpreter's register number ("NRPSI 40512") too. findReferences keeps only what looks like one. `hosp` marks a
   * hospital number. The reference ends the match, so its range is the match's end less its length (no match indices
   * to allocate).
   */
  REFERENCE_AFTER_CUE:
    /\b(?:(?<hosp>[Hh]ospital[ ]?(?:[Nn]o|[Nn]um(?:ber)?|ID|[Ii]d)\.?|[Hh]osp\.?(?:[ ]?(?:[Nn]o|[Nn]um(?:ber)?|ID|[Ii]d)\.?)?|(?:MRN|[Mm]rn|[Uu]nit [Nn]o\.?)(?:[ ]?(?:[Nn]o|[Nn]umber)\.?)?)|(?:[Cc]rime |[Cc]ase |[Ii]ncident |[Cc]onsent )?[Rr]ef(?:erence)?s?\.?(?:[ ]?(?:[Nn]o|[Nn]umber)\.?)?|(?:[Ll]ab|LAB|[Ss]pecimen|[Ss]ample|[Aa]ccession)[ ]?(?:[Nn]o|[Nn]um(?:ber)?|[Rr]ef|ID)\.?|(?:Datix|DATIX)(?:[ ]?(?:[Rr]ef|[Nn]o)\.?)?|(?:[Pp]rison|[Cc]linic|[Ss]taff|[Ss]ervice|[Cc]ollar|[Ww]arrant|[Cc]ustody|[Pp]ayroll|[Ee]mployee|[Ii]ncident|[Cc]omplaint|[Cc]laim|[Pp]assport|[Pp]upil|[Ss]tudent|[Ll]og)[ ]?(?:[Nn]o|[Nn]um(?:ber)?)\.?|(?:GMC|NMC|HCPC|GDC|GPhC|GOC)(?:[ ](?:PIN|[Nn]o\.?|[Nn]umber|[Rr]eg(?:istration)?(?:[ ][Nn]o\.?)?))?|PIN|[Ll]og(?:ged)?(?:[ ]as)?|[Cc]ase [Nn](?:o\.?|umber)|ID(?:[ ](?:[Nn]o\.?|[Nn]umber))?|(?:[Ss]eal|PNC|NRPSI)(?:[ ]?(?:[Nn]o|[Nn]um(?:ber)?|ID)\.?)?)[ ]?[:#]?[ ]{0,2}(?<ref>(?:[A-Z][A-Z0-9]{1,3}[ ])?[A-Z0-9][A-Za-z0-9/-]{3,24}[A-Za-z0-9])/g,
  /**
   * A hospital number written as a site code of three or four capitals and six to eight digits ("RNN 0450913",
   * "QEB4418203"), or two capitals joined to them ("LT1120394"); findSiteNumbers leaves out laboratory values
   * written so ("PLT 250000"). Two capitals and a space are left alone ("CT" of "SNOMED CT 22298006").
   */
  SITE_NUMBER: /\b(?:(?<code>[A-Z]{3,4})[ ]?|(?<pair>[A-Z]{2}))(?<number>\d{6,8})\b/g,
  /**
   * A prisoner's number in the national form, a letter, four figures and two letters ("B4471QT"), with or without its
   * cue ("Prison no"); not a batch, a lot or a code of that shape ("batch E1234AB", "coded S7200XA").
   */
  PRISON_NUMBER:
    /\b[A-Z](?<!(?:[Bb]atch|BATCH|[Ll]ot|LOT|[Cc]oded?|CODED?|ICD(?:-?10)?)[ :#.]{1,3}[A-Z])\d{4}[A-Z]{2}\b/g,
  /** Nine or more digits with single spaces or dashes: account, hospital or mistyped NHS and phone numbers. */
  ID_NUMBER: /\d(?:[ -]?\d){8,40}/g,
  /**
   * A case, log or study reference: groups of capitals and figures joined by hyphens ("PALS-24-2213",
   * "PALS-0098812", "CAS-2504-38802", "AB-UK03-014"); findReferenceCodes keeps those shaped as a reference
   * (referenceCode), so "COVID-19", "PHQ-9", "CA-125", "EQ-5D-5L" and "L4-L5" stay.
   */
  REFERENCE_CODE: /\b[A-Z0-9]{1,8}(?:-[A-Z0-9]{1,10}){1,4}\b(?!-)/g,
  /**
   * A reference of capitals and figures joined by slashes, led by capitals ("MT/RTA/40912", "AV/PI/0042178813",
   * "HOM/24/00917"), each group all capitals or all figures; findSlashReferences keeps those with five figures or
   * more (slashReference) and no unit after ("ICD/10", "T2/N0", "NICE/CG191/2014", "NACL/1000ML/8HR" stay).
   */
  SLASH_REFERENCE: /\b[A-Z]{1,6}(?:\/(?:[A-Z]{1,6}|\d{1,12})){1,4}(?:-[A-Z0-9]{1,6})?\b(?![/-]?\d)/g,
  /** A Police National Computer number: two figures, a slash, six or seven figures and a letter ("11/440913Q"). */
  PNC_NUMBER: /\b\d{2}\/\d{6,7}[A-Z]\b/g,
  /**
   * One capital and seven figures, the shape of many hospitals' numbers and of seals and claims ("K2201934"); not a
   * batch, a lot or a code (the same exceptions as PRISON_NUMBER).
   */
  LETTER_SEVEN_FIGURES:
    /\b[A-Z](?<!(?:[Bb]atch|BATCH|[Ll]ot|LOT|[Cc]oded?|CODED?|ICD(?:-?10)?)[ :#.]{1,3}[A-Z])\d{7}\b(?![.,]\d)/g,
  /** A police officer's collar number after the rank, and the name after it: "PC 2291 Marsh", "Sgt 1187". */
  COLLAR_NUMBER: /\b(?:PC|PCSO|PS|Sgt|DC)[ ]?(?<number>\d{3,6})\b(?:[ ](?<name>\p{Lu}[\p{Ll}'’-]{1,30}))?/gu,
  /**
   * An officer's number in a bracket after the officer (and the officer's name), or after the word "collar": "officer
   * Quill (5523)", "officers Ysolde Pennage (4120) and …", "wing officer (5581)", "(collar 6671)", after a rank and
   * the officer's given and family names, with the force's letters ("PC Eglantine Quenby (QK 2290)"; not "PC Mode
   * (TV 450)", "DC Cardioversion (150 J)"). Not a year ("(2019)").
   */
  OFFICER_NUMBER:
    /\b(?:(?:[Cc]ollar|COLLAR)(?:[ ](?:[Nn]o\.?|NO\.?|[Nn]umber))?[ ]?:?[ ]?|[Oo]fficers?[ ](?:(?:\p{Lu}\.?[ ])?\p{Lu}[\p{L}'’-]{1,30}(?:[ ]\p{Lu}[\p{L}'’-]{1,30})?[ ])?\(|(?:PC|PCSO|PS|Sgt|DC|DS)[ ]\p{Lu}[\p{L}'’-]{1,30}[ ]\p{Lu}[\p{L}'’-]{1,30}[ ]\((?=[A-Z]{1,3}[ ]\d{3,6}\)))(?!(?:19|20)\d\d\b)(?<number>(?:[A-Z]{1,3}[ ])?\d{3,6})\b/gu,
  /**
   * The code of a key safe outside a home, after its cue: "key safe code 4471", "keysafe: 0312", "key safe code
   * changed to 2580". Not an identifier of the person, but a way into their home: never for research outputs.
   */
  KEY_SAFE_CODE:
    /\bkey[ -]?safe(?:[ ](?:code|number|no\.?|combination|pin))?(?:[ ](?:is|was|now))?(?:[ ]changed)?(?:[ ]to)?[ ]?[:=-]?[ ]{0,2}(?<code>\d{3,6})\b/gi,
  /** The code a few words after the key safe, in the same clause: "key safe by the back door, code 4471". */
  KEY_SAFE_CODE_LATER:
    /\bkey[ -]?safe\b[^.\n;:]{1,40}?\b(?:code|pin|combination)(?:[ ](?:is|was|now))?[ ]?[:=-]?[ ]{0,2}(?<code>\d{3,6})\b/gi,
  /**
   * Four figures after "ID" ("interpreter ID 4471"; not a year: "photo ID 2019"): REFERENCE_AFTER_CUE takes five
   * characters or more.
   */
  ID_FOUR_FIGURES: /\bID:?[ ]{1,2}(?!(?:19|20)\d\d\b)(?<id>\d{4})\b(?![/.:-]\d)/g,
  /** Windows worth showing the phone parser: an optional +, then digits, spaces, brackets and dashes. */
  PHONE_CANDIDATE: /(?:\+|\(|\b)\d[\d ()-]{7,24}\d/g,
} as const;

/** An identifier from the record itself, matched in every rendering (case, diacritics, spacing; whole words). */
export interface OwnIdentifier {
  readonly text: string;
  readonly entity: EntityType;
  /** Replacement; defaults to the placeholder `[ENTITY]`. */
  readonly replacement?: string;
  /** A given name: also look for the other names it goes by ("Dorothy" → "Dot"; the policy's `nicknames`). */
  readonly otherNames?: boolean;
}

export interface ScrubOptions {
  /** Pseudonymisation strategy: the NHS- token for a valid NHS number found in text. Redaction: omit. */
  readonly nhsToken?: (digits: string) => string;
  /** Find names of people not in the record (default true); false only for the benchmark's baseline. */
  readonly personNames?: boolean;
}

interface Span {
  start: number;
  end: number;
  entity: EntityType;
  replacement: string | undefined;
}

const PLACEHOLDERS = Object.fromEntries(ENTITY_TYPES.map((t) => [t, `[${t}]`])) as Record<EntityType, string>;

function placeholder(entity: EntityType): string {
  return PLACEHOLDERS[entity];
}

/**
 * An own identifier's folded needles, a word every needle contains (to skip all of them at once), and for a name
 * the patterns of its one-letter parts (oneLetterParts).
 */
interface Renderings {
  readonly needles: readonly string[];
  readonly anchor: string;
  readonly letters: readonly RegExp[];
  /**
   * Nicknames of a given name (own-renderings.ts, nicknameRenderings: "Dorothy" → "Dot", "Dottie"), matched only
   * where the note writes them with a capital and then small letters, since many are also words ("Pat", "Dot"); the
   * last `midSentence` of them are among the most common words ("Will", "Mark"), and count only where no sentence
   * or line starts.
   */
  readonly titled: readonly string[];
  readonly midSentence: number;
}

const NO_LETTERS: readonly RegExp[] = [];
const NO_NEEDLES: readonly string[] = [];

/**
 * The renderings of names and addresses, memoised: a patient's events recur, and building renderings costs more
 * than the look-up. Other identifiers have one rendering (their fold), cheaper to make than to look up. The memo
 * holds identifiers in process memory only, as the records themselves are; it is bounded (least recently used
 * go first, so a busy patient's renderings stay) and never exported.
 */
const renderingMemo = {
  NAME: new LruCache<Renderings>(20_000),
  /** Given names searched for by their other names too (OwnIdentifier.otherNames). */
  GIVEN_NAME: new LruCache<Renderings>(20_000),
  ADDRESS: new LruCache<Renderings>(20_000),
};

function anchorOf(needles: readonly string[]): string {
  // The longest word of the first needle that every needle contains; "" when there is none or only one needle.
  if (needles.length < 2) return "";
  const words = (needles[0] ?? "").split(" ").sort((a, b) => b.length - a.length);
  for (const w of words) if (w.length >= 3 && needles.every((n) => n.includes(w))) return w;
  return "";
}

/** The renderings of an identifier whose fold is too short to look for. */
const NO_RENDERINGS: Renderings = {
  needles: NO_NEEDLES,
  anchor: "",
  letters: NO_LETTERS,
  titled: NO_NEEDLES,
  midSentence: 0,
};

/**
 * The renderings of the identifiers with one rendering, by their position in the record's own list: refilled for
 * every note (findOwn reads them before the next note), so that a note makes no objects for them.
 */
const foldRenderings: Array<Renderings & { readonly needles: [string] }> = [];

/** The renderings of the record's own identifiers, by position: refilled for every note, as foldRenderings. */
const ownRenderings: Renderings[] = [];

function renderingsOf(id: OwnIdentifier, position: number): Renderings {
  if (id.entity !== "NAME" && id.entity !== "ADDRESS") {
    const folded = foldString(id.text);
    if (folded.length < 2) return NO_RENDERINGS;
    let r = foldRenderings[position];
    if (r === undefined) {
      r = { needles: [folded], anchor: "", letters: NO_LETTERS, titled: NO_NEEDLES, midSentence: 0 };
      foldRenderings[position] = r;
    } else r.needles[0] = folded;
    return r;
  }
  const memo = renderingMemo[id.entity === "NAME" && id.otherNames ? "GIVEN_NAME" : id.entity];
  let r = memo.get(id.text);
  if (r === undefined) {
    const name = id.entity === "NAME";
    const others = name && id.otherNames ? nicknameRenderings(id.text) : undefined;
    const rendered = name ? nameRenderings(id.text) : addressRenderings(id.text);
    // Other names that are no English word are looked for as the name itself is, in any case.
    const needles = others ? [...rendered, ...others.plain.filter((n) => !rendered.includes(n))] : rendered;
    const anywhere = others?.titled.filter((n) => !needles.includes(n)) ?? [];
    const midSentence = others?.midSentence.filter((n) => !needles.includes(n)) ?? [];
    r = {
      needles,
      anchor: anchorOf(needles),
      letters: name ? oneLetterParts(id.text) : NO_LETTERS,
      titled: anywhere.length + midSentence.length > 0 ? [...anywhere, ...midSentence] : NO_NEEDLES,
      midSentence: midSentence.length,
    };
    memo.set(id.text, r);
  }
  return r;
}

function findOwn(text: string, own: readonly OwnIdentifier[], spans: Span[]): void {
  // Renderings first: building them folds strings too, and folding reuses buffers that the note's fold holds.
  const renderings = ownRenderings;
  renderings.length = 0;
  for (let k = 0; k < own.length; k++) renderings.push(renderingsOf(own[k] as OwnIdentifier, k));
  const folded = foldNote(text);
  const haystack = folded.text;
  let initials: ReadonlySet<string> | undefined;
  for (let k = 0; k < own.length; k++) {
    /** The needles of the record's other names: a nickname that is one of them is that name, with its token. */
    let otherNeedles: ReadonlySet<string> | undefined;
    const id = own[k] as OwnIdentifier;
    const { needles, anchor, letters, titled, midSentence } = renderings[k] as Renderings;
    const all = needles.length + titled.length;
    for (const re of letters) findRegex(text, re, id.entity, spans, id.replacement);
    // Every needle contains the anchor: a note without it holds none of them (the other names are other words).
    const first = anchor.length > 0 && !haystack.includes(anchor) ? needles.length : 0;
    for (let n = first; n < all; n++) {
      const isTitled = n >= needles.length;
      const needle = (isTitled ? titled[n - needles.length] : needles[n]) as string;
      let from = 0;
      for (;;) {
        const at = haystack.indexOf(needle, from);
        if (at < 0) break;
        from = at + 1;
        const end = at + needle.length;
        // Whole words: the note's "Thorntonville" is not the name Thornton (edges that are not word characters
        // in the needle itself, such as an e-mail's "@", need no boundary).
        const wordStart =
          at === 0 ||
          !isFoldedWordChar(haystack.charCodeAt(at - 1)) ||
          !isFoldedWordChar(haystack.charCodeAt(at));
        const wordEnd =
          end === haystack.length ||
          !isFoldedWordChar(haystack.charCodeAt(end)) ||
          !isFoldedWordChar(haystack.charCodeAt(end - 1));
        if (!wordStart || !wordEnd) continue;
        let start = folded.sourceStart(at);
        if (isTitled) {
          if (
            !titleCasedAt(text, start) ||
            (n >= all - midSentence && sentenceStartsAt(text, start)) ||
            inCompound(text, start, folded.sourceEnd(end - 1))
          )
            continue;
          otherNeedles ??= needlesOfOthers(renderings, own, k);
          if (otherNeedles.has(needle)) continue;
        }
        if (id.entity === "NAME") {
          initials ??= nameInitials(own);
          start = withOwnInitial(text, start, initials);
        }
        spans.push({
          start,
          end: folded.sourceEnd(end - 1),
          entity: id.entity,
          replacement: id.replacement,
        });
      }
    }
  }
}

/** The record's name, then what the person is called in a bracket: "Teodoro Vasquez (Teddo)", "(Teddo to family)". */
const CALLED_AFTER_OWN =
  /[ ]{0,2}\([ ]?(?<called>\p{Lu}\p{Ll}[\p{Ll}'’-]{0,15})(?:[ ]?\)|[ ](?:to|as|by)[ ])/uy;

/**
 * A name the patient goes by, written in a bracket right after the record's own name, is the patient wherever the
 * note writes it (as written: a capital, then small letters): nicknames no list holds ("Teodoro Vasquez (Teddo)",
 * "(Teddo to family)"). Not a word for a person, a role, a clinical, calendar or common English word ("Jane Smith
 * (Mum)", "(Patient)"), nor two letters (a kinship word in many languages). Replaced by the placeholder, not a
 * token: a policy may list more than the patient's names as the record's own.
 */
function ownCalledNames(text: string, spans: Span[], from: number): void {
  const to = spans.length;
  let called: Set<string> | undefined;
  for (let k = from; k < to; k++) {
    const span = spans[k] as Span;
    if (span.entity !== "NAME") continue;
    CALLED_AFTER_OWN.lastIndex = span.end;
    const word = CALLED_AFTER_OWN.exec(text)?.groups?.["called"];
    if (word === undefined || !calledName(word)) continue;
    called ??= new Set();
    called.add(word);
  }
  for (const word of called ?? []) carryOver(text, word, spans);
}

function calledName(word: string): boolean {
  const key = keyOf(word);
  if (key.length < 3 || PERSON_NOUNS.has(key) || ROLE_NOUNS.has(key) || STAFF_ROLES.has(key)) return false;
  const { GIVEN, WORD_LEVEL } = gazetteer();
  const level = WORD_LEVEL.get(key);
  if (level !== undefined && level <= 35 && !GIVEN.has(key)) return false;
  return !(JOB_TITLES.has(key) || namesSomethingElse(key));
}

function needlesOfOthers(
  renderings: readonly Renderings[],
  own: readonly OwnIdentifier[],
  k: number,
): Set<string> {
  const out = new Set<string>();
  for (let j = 0; j < own.length; j++)
    if (j !== k && (own[j] as OwnIdentifier).entity === "NAME")
      for (const n of (renderings[j] as Renderings).needles) out.add(n);
  return out;
}

/** [start, end) is part of a hyphenated word ("X-Ray", "Day-case"): not a name on its own. */
function inCompound(text: string, start: number, end: number): boolean {
  return text.charAt(start - 1) === "-" || text.charAt(end) === "-";
}

/** Characters after which a sentence, a line or a list item starts. */
const SENTENCE_START = new Set([".", "!", "?", ":", ";", "\n", "\r", "-", "–", "—", "*", "•"]);
/** What may stand between a sentence's start and its first word. */
const LEADING = new Set([" ", "\t", '"', "'", "“", "‘", "(", "["]);

/** A sentence, a line or a list item starts at `at` (only spaces, quotes or brackets before it since then). */
function sentenceStartsAt(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && LEADING.has(text.charAt(i))) i--;
  return i < 0 || SENTENCE_START.has(text.charAt(i));
}

/** The note writes a capital at `at`, and no capital right after it ("Dot", "Dottie"; not "dot" or "DOT"). */
function titleCasedAt(text: string, at: number): boolean {
  const first = text.charAt(at);
  if (first === first.toLowerCase()) return false;
  const next = text.charAt(at + 1);
  return next === next.toLowerCase();
}

/** Whole-word patterns of one-letter names, by the letter (few distinct ones exist). */
const oneLetterPatterns = new Map<string, RegExp>();
const NAME_PART_SEPARATORS = /[\s\-‐–—'’]+/u;
const ONE_LETTER = /^\p{L}$/u;

/**
 * Patterns for the parts of a name that are one letter other than an ASCII one ("Ý", "Hồ Ý"): a fold of one letter
 * is too short to match safely as a word of the folded note, so the letter is matched as written instead (either
 * case, composed or not), as a whole word. An ASCII letter on its own is an initial, and is not matched. Made with
 * the name's renderings (memoised), not per note.
 */
function oneLetterParts(name: string): readonly RegExp[] {
  if (isAscii(name)) return NO_LETTERS;
  const out: RegExp[] = [];
  for (const part of name.normalize("NFC").split(NAME_PART_SEPARATORS)) {
    if (part.length !== 1 || part.charCodeAt(0) < 128 || !ONE_LETTER.test(part)) continue;
    let re = oneLetterPatterns.get(part);
    if (re === undefined) {
      const forms = [...new Set([part, part.normalize("NFD")])].join("|");
      re = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])(?:${forms})(?![\\p{L}\\p{M}\\p{N}])`, "giu");
      if (oneLetterPatterns.size < 1_000) oneLetterPatterns.set(part, re);
    }
    out.push(re);
  }
  return out.length > 0 ? out : NO_LETTERS;
}

const INITIAL_BEFORE = /(?:^|[ (:,])(\p{Lu})\.?[ ]{1,2}$/u;

/** The folded first letters of the record's names (once per note, when a name is found). */
function nameInitials(own: readonly OwnIdentifier[]): ReadonlySet<string> {
  const out = new Set<string>();
  // keyOf, not foldString: this runs between a match's sourceStart and sourceEnd, and foldString of a letter that is
  // not ASCII refolds into the buffers holding the note's source map ("Ж" → "zh" overwrote its first two entries).
  for (const id of own) if (id.entity === "NAME") out.add(keyOf(id.text.trim().charAt(0)));
  return out;
}

/**
 * "Mr T OKAFOR", "J. Smith": a capital initial right before one of the record's names goes with it when it is the
 * initial of one of them (the other name, written as its first letter).
 */
function withOwnInitial(text: string, start: number, initials: ReadonlySet<string>): number {
  const m = INITIAL_BEFORE.exec(text.slice(Math.max(0, start - 5), start));
  if (m === null || !initials.has(keyOf(m[1] as string))) return start;
  return start - m[0].length + m[0].indexOf(m[1] as string);
}

function findRegex(
  text: string,
  re: RegExp,
  entity: EntityType,
  spans: Span[],
  replacement: string | undefined = undefined,
): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    spans.push({ start: m.index, end: m.index + m[0].length, entity, replacement });
  }
}

function findStreetsAfterCue(text: string, spans: Span[]): void {
  const cue = PATTERNS.STREET_CUE;
  const street = PATTERNS.STREET_AFTER_CUE;
  cue.lastIndex = 0;
  for (let m = cue.exec(text); m !== null; m = cue.exec(text)) {
    street.lastIndex = m.index + m[0].length;
    const s = street.exec(text);
    if (s !== null)
      spans.push({ start: s.index, end: s.index + s[0].length, entity: "ADDRESS", replacement: undefined });
  }
}

/** Whether the text before `at` ends a sentence or a line (or is empty). */
function sentenceStartAt(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i < 0) return true;
  const c = text.charCodeAt(i);
  return c === 46 || c === 10 || c === 33 || c === 63 || c === 58;
}

/** The ranks COLLAR_NUMBER starts with, and the words every SCHOOL match holds: notes without any skip the pattern. */
const RANKS = ["PC", "PS", "Sgt", "DC"];
const SCHOOL_WORDS = ["Primary", "Infant", "Junior", "Nursery", "Academy", "School", "Ysgol"];

/** A place someone lives or is held, or a child's school: prisons and schools by name (PATTERNS.PRISON, SCHOOL). */
function findInstitutions(text: string, spans: Span[]): void {
  if (text.includes("HM")) findRegex(text, PATTERNS.PRISON, "ADDRESS", spans);
  findResidences(text, spans);
  if (!SCHOOL_WORDS.some((w) => text.includes(w))) return;
  const re = PATTERNS.SCHOOL;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = m.index + m[0].length;
    let start = m.index;
    const first = m[0].slice(0, m[0].indexOf(" "));
    // "Attends Nursery", "Starts Primary School": a sentence's first word that is a common English word is the
    // sentence's verb, not the school's name; what is left must still name the school.
    if (commonWordOpening(text, start, first)) {
      start += first.length + 1;
      if (!NAMED_SCHOOL_REST.test(text.slice(start, end))) continue;
    }
    // "RC Primary School", "St Primary": a kind of school with no name is no address.
    if (!text.slice(start, end).split(" ").some(namesSchool)) continue;
    spans.push({ start, end, entity: "ADDRESS", replacement: undefined });
  }
}

/** The kind of a residence, written out (any case): where a name before it is looked for. */
const RESIDENCE_KIND =
  /\b(?:(?:nursing|care|residential|rest|retirement)[ ]home|hostel|refuge)(?![A-Za-z0-9])/gi;
/** One to three capitalised words right before a residence's kind. */
const NAME_BEFORE_KIND = /(?<![\p{L}\p{N}'’])(?:\p{Lu}[\p{Ll}'’-]{1,30}[ ]){1,3}$/u;
/** Words that describe a residence's kind ("Private Nursing Home", "Supported Housing hostel"): never its name. */
const RESIDENCE_KIND_WORDS: ReadonlySet<string> = new Set([
  "nursing",
  "care",
  "residential",
  "rest",
  "retirement",
  "home",
  "homes",
  "hostel",
  "refuge",
  "private",
  "local",
  "council",
  "supported",
  "emergency",
  "homeless",
  "womens",
  "women's",
  "women’s",
]);
/** Words that may come before a residence's name in a sentence ("The", "Her previous"): never the name either. */
const RESIDENCE_LEADING_WORDS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "the",
  "her",
  "his",
  "their",
  "same",
  "new",
  "previous",
]);

function notResidenceName(word: string): boolean {
  const lower = word.toLowerCase();
  return RESIDENCE_KIND_WORDS.has(lower) || RESIDENCE_LEADING_WORDS.has(lower);
}

/**
 * A care home, a hostel or a refuge by its name, before the kind written out: "Larchfield Lodge nursing home", "Quayside
 * House hostel", "The Beeches Care Home". The name alone is taken (the kind stays: it tells the researcher where
 * the person lives, not which one). Where someone lives or works is finer than the postcode district the research
 * record keeps.
 */
function findResidences(text: string, spans: Span[]): void {
  const kinds = RESIDENCE_KIND;
  kinds.lastIndex = 0;
  for (let kind = kinds.exec(text); kind !== null; kind = kinds.exec(text)) {
    const from = Math.max(0, kind.index - 100);
    const m = NAME_BEFORE_KIND.exec(text.slice(from, kind.index));
    if (m === null) continue;
    const words = m[0].trimEnd().split(" ");
    let start = from + m.index;
    let k = 0;
    // Leading words of the kind, articles, abbreviations and clinical words ("MDT care home round"), and at a
    // sentence's start a common English word, are not the name.
    while (k < words.length) {
      const word = words[k] as string;
      const key = keyOf(word);
      const abbreviation = word.length <= 4 && word === word.toUpperCase();
      if (
        !abbreviation &&
        !CLINICAL.has(key) &&
        !notResidenceName(word) &&
        !commonWordOpening(text, start, word)
      )
        break;
      start += word.length + 1;
      k++;
    }
    if (k === words.length) continue;
    if (words.slice(k).some(notResidenceName)) continue;
    spans.push({
      start,
      end: from + m.index + m[0].trimEnd().length,
      entity: "ADDRESS",
      replacement: undefined,
    });
  }
}

/**
 * `word`, at `at`, opens a sentence and is a common English word that is no name: the sentence's own word ("Attends
 * Nursery", "Visited Larchfield Lodge nursing home"), not the start of a place's name.
 */
function commonWordOpening(text: string, at: number, word: string): boolean {
  if (!sentenceStartAt(text, at)) return false;
  const key = keyOf(word);
  const { WORD_LEVEL, NAMES } = gazetteer();
  return (WORD_LEVEL.get(key) ?? 99) <= 35 && !NAMES.has(key);
}

/** What is left of a school's match after a dropped first word: a capitalised word and another after it. */
const NAMED_SCHOOL_REST = /^\p{Lu}[\p{Ll}'’-]{1,30}[ ]\p{Lu}/u;

/** The words of a school's kind and denomination, which name no school. */
const SCHOOL_KIND_WORDS = new Set(
  "Primary Infant Infants Junior Juniors Nursery Academy School First Middle High Grammar Secondary Community Special Free Prep Preparatory RC CE C of E St St. Girls Girls' Girls’ Boys Boys' Boys’".split(
    " ",
  ),
);

function namesSchool(word: string): boolean {
  return word.length > 0 && !SCHOOL_KIND_WORDS.has(word);
}

function findNhsNumbers(text: string, options: ScrubOptions, spans: Span[]): void {
  const re = PATTERNS.NHS_CANDIDATE;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const digits = digitsOf(m[0]);
    // Only a valid check digit makes it an NHS number; other digit runs fall to the phone and ID detectors.
    if (!isValidNhsNumber(digits)) continue;
    const replacement = options.nhsToken ? options.nhsToken(digits) : undefined;
    spans.push({ start: m.index, end: m.index + m[0].length, entity: "NHS_NUMBER", replacement });
  }
}

/** A lab's reference range ("ref 133-146"), not an identifier. */
const NUMERIC_RANGE = /^\d{1,4}(?:\.\d{1,3})?-\d{1,4}(?:\.\d{1,3})?$/;

/** A whole date ("hosp 12/03/2024" is a date after a word, not a hospital number). */
const DATE_ONLY = new RegExp(`^(?:${PATTERNS.DATE.source})$`, "i");

/**
 * A reference has four digits or more (the pattern's five characters already leave out "ref 2024"), and is no
 * range and no date.
 */
function referenceLike(ref: string): boolean {
  return digitCount(ref) >= 4 && !NUMERIC_RANGE.test(ref) && !DATE_ONLY.test(ref);
}

/** REFERENCE_AFTER_CUE for a note written in capitals ("CUSTODY NO NY/KX/26/40211", "REF ABC/12/3456"). */
const REFERENCE_AFTER_CUE_CAPITALS = new RegExp(PATTERNS.REFERENCE_AFTER_CUE.source, "gi");

/** The note is written in capitals: its first 60 characters hold capitals and no small letter. */
function writtenInCapitals(text: string): boolean {
  let capitals = 0;
  for (let i = 0, n = Math.min(60, text.length); i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) capitals++;
  }
  return capitals >= 10;
}

function findReferences(text: string, spans: Span[]): void {
  // In capitals the cues are too ("REF", "CUSTODY NO"): the pattern without case; a reference still needs figures.
  const re = writtenInCapitals(text) ? REFERENCE_AFTER_CUE_CAPITALS : PATTERNS.REFERENCE_AFTER_CUE;
  const own = spans.length;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const ref = m.groups?.["ref"] as string;
    const range = groupAtEnd(m, ref);
    // "sample no 2100 mL", "… 45000 copies/mL": a measurement, not a reference.
    if (!referenceLike(ref) || unitAt(text, range[1])) {
      // Look again from the rejected word: "MRN Number 4418203" may hold a cue of its own.
      re.lastIndex = range[0];
      continue;
    }
    // The record's own hospital number keeps its token: a reference over it is left to findOwn's span.
    if (overlaps(spans, own, range[0], range[1], TOKEN_SPAN)) continue;
    const entity = m.groups?.["hosp"] !== undefined ? "PATIENT_ID" : "ID_NUMBER";
    spans.push({ start: range[0], end: range[1], entity, replacement: undefined });
  }
}

function findFourFigureIds(text: string, spans: Span[]): void {
  if (text.includes("ID")) numbersEndingMatches(text, PATTERNS.ID_FOUR_FIGURES, "id", spans);
}

function findKeySafeCodes(text: string, spans: Span[]): void {
  if (!text.includes("afe") && !(writtenInCapitals(text) && text.includes("AFE"))) return;
  numbersEndingMatches(text, PATTERNS.KEY_SAFE_CODE, "code", spans);
  numbersEndingMatches(text, PATTERNS.KEY_SAFE_CODE_LATER, "code", spans);
}

/** Each match of `re` ends in its group `name`, a number: that number is an ID_NUMBER. */
function numbersEndingMatches(text: string, re: RegExp, name: string, spans: Span[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const number = m.groups?.[name] as string;
    const end = m.index + m[0].length;
    spans.push({ start: end - number.length, end, entity: "ID_NUMBER", replacement: undefined });
  }
}

function findReferenceCodes(text: string, spans: Span[]): void {
  // Both of the hint's forms hold a hyphen: looking for one first spares the hint's scan of most notes.
  if (!text.includes("-") || !REFERENCE_CODE_HINT.test(text)) return;
  const found = spans.length;
  const re = PATTERNS.REFERENCE_CODE;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    // "12-OCT-2025" is the date found already.
    if (referenceCode(m[0]) && !overlaps(spans, found, start, end, DATE_SPAN))
      spans.push({ start, end, entity: "ID_NUMBER", replacement: undefined });
  }
}

/** SLASH_REFERENCE's matches with five figures or more, PNC numbers, and a capital before seven figures. */
function findSlashReferences(text: string, spans: Span[]): void {
  const found = spans.length;
  // The record's own hospital number keeps its token (findOwn's span).
  const push = (m: RegExpExecArray) => {
    const end = m.index + m[0].length;
    if (!overlaps(spans, found, m.index, end, TOKEN_SPAN))
      spans.push({ start: m.index, end, entity: "ID_NUMBER", replacement: undefined });
  };
  if (capitalBeforeSlash(text)) {
    const re = PATTERNS.SLASH_REFERENCE;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text))
      if (slashReference(m[0]) && !unitAt(text, m.index + m[0].length)) push(m);
    findRegex(text, PATTERNS.PNC_NUMBER, "ID_NUMBER", spans);
  }
  const re = PATTERNS.LETTER_SEVEN_FIGURES;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text))
    if (!PRODUCT_CUE.test(text.slice(Math.max(0, m.index - 24), m.index))) push(m);
}

/** A capital right before a "/" ("MT/RTA/40912"), or six figures after one (a PNC number's "11/440913Q"). */
function capitalBeforeSlash(text: string): boolean {
  for (let i = text.indexOf("/"); i > 0; i = text.indexOf("/", i + 1)) {
    const c = text.charCodeAt(i - 1);
    if (c >= 65 && c <= 90) return true;
    if (c >= 48 && c <= 57 && isDigitAt(text, i + 6) && isDigitAt(text, i + 3)) return true;
  }
  return false;
}

/**
 * Five figures or more, not only a year and groups of one or two ("RCPCH/2023/01", "CT/2024/11/05" are a guideline
 * and a date; "CR/26/7741-F", "MT/RTA/40912" references).
 */
function slashReference(code: string): boolean {
  if (digitCount(code) < 5) return false;
  const groups = code.split(/[/-]/).filter((g) => ALL_FIGURES.test(g));
  const year = groups.findIndex((g) => YEAR.test(g));
  return year < 0 || groups.some((g, i) => i !== year && g.length > 2);
}

const YEAR = /^(?:19|20)\d\d$/;
/** A product's, a device's or a batch's number before the code: not a person's ("Batch no. B1234567"). */
const PRODUCT_CUE =
  /\b(?:batch|lot|model|catalogue|cat|part|asset|product|item|order|exp|expiry|variant|kit)\b[^A-Za-z]{0,12}(?:no\.?|num(?:ber)?)?[^A-Za-z]{0,4}$/i;

/** A group with a capital joined by a hyphen: a note without one holds no REFERENCE_CODE. */
const REFERENCE_CODE_HINT = /[A-Z][A-Z0-9]*-[A-Z0-9]|[A-Z0-9]-[A-Z0-9]*[A-Z]/;
const ALL_FIGURES = /^\d+$/;
const ALL_CAPITALS = /^[A-Z]+$/;
const A_CAPITAL = /[A-Z]/;

/**
 * What a code of three groups or more starts with when it is no reference: a standard ("BS-EN-14683",
 * "ISO-80601-2-12", "HTM-01-05"); an HLA allele, a gene or a resistance enzyme ("HLA-DQB1-0602", "MT-RNR1-1555",
 * "CTX-M-15").
 */
const STANDARD_LEADS: ReadonlySet<string> = new Set(
  "BS EN IEC ISO DIN ASTM ANSI IEEE BSI PAS HTM HBN SHTM".split(" "),
);
/** Leads of allele and gene codes, which a group with a capital follows ("HLA-DQB1-0602"; not "HLA-23-2281"). */
const GENE_LEADS: ReadonlySet<string> = new Set(
  "HLA MT CYP IL CTX KPC OXA NDM VIM IMP TEM SHV MTHFR".split(" "),
);

/**
 * Groups joined by hyphens that make a reference: a word of capitals and six figures or more ("PALS-0098812",
 * "K-558203"), or three groups or more with a capital, a group of three figures or more and five figures in all
 * ("PALS-24-2213", "CAS-2504-38802", "AB-UK03-014"). Not two groups with fewer figures ("COVID-19", "CA-125",
 * "MK-3475"), groups without a run of figures ("EQ-5D-5L", "L4-L5", "T1-T12-L1"), short codes of test
 * directories, models and alleles ("R-208-1", "CF-HQ-190", "HLA-B-5701"), nor a standard's or a gene's code.
 */
function referenceCode(code: string): boolean {
  const groups = code.split("-");
  const figures = digitCount(code);
  if (groups.length === 2)
    return figures >= 6 && ALL_CAPITALS.test(groups[0] as string) && ALL_FIGURES.test(groups[1] as string);
  return (
    figures >= 5 &&
    A_CAPITAL.test(code) &&
    !STANDARD_LEADS.has(groups[0] as string) &&
    !(GENE_LEADS.has(groups[0] as string) && A_CAPITAL.test(groups[1] as string)) &&
    groups.some((g) => g.length >= 3 && ALL_FIGURES.test(g))
  );
}

function findCollarNumbers(text: string, spans: Span[]): void {
  if (!RANKS.some((rank) => text.includes(rank))) return;
  const re = PATTERNS.COLLAR_NUMBER;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const { number, name } = m.groups as { number: string; name?: string };
    const at = m.index + m[0].indexOf(number);
    spans.push({ start: at, end: at + number.length, entity: "ID_NUMBER", replacement: undefined });
    if (name !== undefined && !CLINICAL.has(keyOf(name))) {
      const end = m.index + m[0].length;
      spans.push({ start: end - name.length, end, entity: "NAME", replacement: undefined });
    }
  }
}

/** A police rank before a capitalised word: OFFICER_NUMBER's third lead. */
const RANK_HINT = /\b(?:PCSO|PC|PS|Sgt|DC|DS) [A-Z]/;

function findOfficerNumbers(text: string, spans: Span[]): void {
  const hint =
    text.includes("ollar") ||
    text.includes("fficer") ||
    text.includes("OLLAR") ||
    (text.includes(" (") && RANK_HINT.test(text));
  if (!hint) return;
  numbersEndingMatches(text, PATTERNS.OFFICER_NUMBER, "number", spans);
}

/** A unit or a rate right after a number: a laboratory value ("12000000 IU/mL", "250000 cells", "x10^9/L"). */
const UNIT_AFTER = /[ ]{0,2}(?:iu|copies|cells|x[ ]?10|\/|ml|per|log|u\/l)/iy;

/** Whether UNIT_AFTER matches at `at`, read in place. */
function unitAt(text: string, at: number): boolean {
  UNIT_AFTER.lastIndex = at;
  return UNIT_AFTER.test(text);
}

/**
 * Hospital numbers after a site code (PATTERNS.SITE_NUMBER). Not where something found already covers the number
 * (the record's own hospital number keeps its token; "MRN 88120455" is a reference after its cue, the cue staying),
 * nor a laboratory value: the code a clinical word ("PLT 250000", "HCV RNA 1500000") or a unit after the number.
 */
function findSiteNumbers(text: string, spans: Span[]): void {
  const re = PATTERNS.SITE_NUMBER;
  const found = spans.length;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = m.index + m[0].length;
    const { code, pair, number } = m.groups as { code?: string; pair?: string; number: string };
    const letters = (code ?? pair ?? "").toLowerCase();
    if (overlaps(spans, found, end - number.length, end, ANY_SPAN) || CLINICAL.has(letters)) continue;
    if (unitAt(text, end)) continue;
    spans.push({ start: m.index, end, entity: "PATIENT_ID", replacement: undefined });
  }
}

/** The range of a capture group that ends its match. */
function groupAtEnd(m: RegExpExecArray, group: string): [number, number] {
  const end = m.index + m[0].length;
  return [end - group.length, end];
}

/** Which earlier spans `overlaps` counts: any, those with a replacement of their own (a token), or dates. */
const ANY_SPAN = (_s: Span): boolean => true;
const TOKEN_SPAN = (s: Span): boolean => s.replacement !== undefined;
const DATE_SPAN = (s: Span): boolean => s.entity === "DATE";

/** One of the first `count` spans that `counts` accepts overlaps [start, end). */
function overlaps(
  spans: readonly Span[],
  count: number,
  start: number,
  end: number,
  counts: (s: Span) => boolean,
): boolean {
  for (let i = 0; i < count; i++) {
    const s = spans[i] as Span;
    if (s.start < end && start < s.end && counts(s)) return true;
  }
  return false;
}

const NURSING_TITLE = /^(?:Nurse|Sister)\b/;

function findTitledNames(text: string, spans: Span[]): void {
  const re = PATTERNS.TITLE_NAME;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    // "233 Hyatt Dr. PMH Barrett's oesophagus": the street's "Dr." ends an address; what follows has no title.
    if (coveredBy(spans, m.index, m.index + 1, "ADDRESS")) continue;
    // Keep the title ("Dr [NAME]"): who was involved is clinical context; the name is not. The name ends the match.
    const name = m.groups?.["name"] as string;
    // "Nurse Specialist", "Sister Practitioner": a job after these two titles, not a name ("Mr Lead" is one).
    const job = NURSING_TITLE.test(m[0]) && JOB_TITLES.has(keyOf(name));
    const capitals = isCapitalTitle(m.groups?.["title"] as string);
    if (!job && !(capitals && !capitalNameAfterTitle(name))) {
      const [start, end] = groupAtEnd(m, name);
      // In capitals a word after the name may be the sentence's ("DR OKONJO TODAY"): a common word is left.
      spans.push({
        start,
        end: capitals ? end - commonLastWord(name) : end,
        entity: "NAME",
        replacement: undefined,
      });
    }
  }
}

/** The length to drop from a name's end when its second word is a common English word and no name (with its space). */
function commonLastWord(name: string): number {
  const space = name.lastIndexOf(" ");
  if (space < 0) return 0;
  const key = keyOf(name.slice(space + 1));
  const { WORD_LEVEL, NAMES, GIVEN } = gazetteer();
  if ((WORD_LEVEL.get(key) ?? 99) > 50 || NAMES.has(key) || GIVEN.has(key)) return 0;
  let start = space;
  while (start > 0 && name.charAt(start - 1) === " ") start--;
  return name.length - start;
}

/** A title written in capitals ("MR", "DR"): in a note in capitals, or an abbreviation ("DR screening", "MR scan"). */
function isCapitalTitle(title: string): boolean {
  return title.length >= 2 && title === title.toUpperCase();
}

/**
 * After a title in capitals, a name only when its first word is no clinical word and no common English word that
 * is not also a given name: "DR T.R. OKONJO", "MR ADEBAYO"; not "DR SCREENING", "MR SCAN", "MR BRAIN".
 */
function capitalNameAfterTitle(name: string): boolean {
  const first = name.split(/[ .]/).find((w) => w.length > 1);
  if (first === undefined) return true;
  const key = keyOf(first);
  if (CLINICAL.has(key) || SERVICE_ABBREVIATIONS.has(key)) return false;
  const { WORD_LEVEL, GIVEN } = gazetteer();
  // A common English word here is a word ("MR BRAIN", "DR CLINIC"), unless it is a given name ("MR FRANK").
  return (WORD_LEVEL.get(key) ?? 99) > 35 || GIVEN.has(key);
}

/**
 * The end of a note signed with its writer's initials, after its last sentence, a closing bracket, a dash or a slash
 * (with or without a space after it), or on a line of their own: "… next call weds. SB", "… plan unchanged /kp",
 * "… AO ST4", "… JP OHN", "… tomorrow am. kp", "… BB (for Mr L. Baptiste)", "… (pharmacist) – TQ", "… Sam RN / TW
 * HCA", "… typed LK", "… - GT, stoma nurse", "… QO'N", "… QV-W". Two or three letters, all capitals (dots allowed),
 * with an O' between two capitals or a hyphen in a double-barrelled name's, or all small, then optionally a staff role or grade, and a bracket saying for whom or a
 * comma and the writer's role.
 * Read on the note's last 80 characters only.
 */
const SIGN_OFF =
  /(?:^|[.!?)][ \t]{1,3}|\n[ \t]{0,3}(?:[–—-][ \t]{1,3})?|[ \t][–—/-][ \t]{1,3}|(?<slash>(?:^|[ \t\n])\/)|(?<by>\b(?:[Bb]y|[Tt]yped:?)[ ]{1,2}))(?<initials>(?:[A-Z]\.){2,3}|[A-Z]{2,3}|[A-Z]{1,2}-[A-Z]{1,2}|[A-Z]O['’][A-Z]|[a-z]{2,3})(?:[ \t]{1,3}(?<role>[A-Za-z]{2,5}\d{0,2}|[A-Z]\d{1,2}|[A-Za-z]{6,12}))?(?:[ \t]{0,3}\((?:(?:for|pp)\b[^)\n]{0,60}|(?<bracket>[A-Za-z][A-Za-z &-]{1,24}))\)|,[ \t]{1,2}(?<comma>[A-Za-z][A-Za-z &-]{1,24}?))?[ \t]{0,3}\.?\s*$/;
/**
 * A letter's reference at its end: the author's initials, a slash and the typist's ("KM/pt", "RJB/ln", "TD/AS",
 * "E.N./D.K.", "QT / VB"), as dictated letters and handover entries end. Both are people's initials.
 */
const LETTER_REFERENCE =
  /(?:^|[\s.,;:)])(?<author>[A-Z]{2,4}|(?:[A-Z]\.){2,3})[ ]?\/[ ]?(?<typist>[A-Za-z]{2,3}|(?:[A-Z]\.){2,3})[ \t]*\.?\s*$/;

/** A service or a profession written as a word: "podiatry", "physio", "Pharmacy", "Dietetics". */
const SERVICE_WORD = /(?:ology|iatry|therapy|etics|physio|pharmacy|admin)$/;
/** Grades and roles a signature gives after the initials, besides STAFF_ROLES and ROLE_NOUNS ("ST4", "CT2", "F1"). */
const GRADE = /^(?:(?:ST|CT|FY|F|GPST|StR|ACCS)\d{1,2}|SpR|StR|SHO|Reg|ALN|OHN|AHP|PA|FSW|PT)$/;
/**
 * Letters that stand for a word before they stand for a person, wherever a note writes someone's initials (a
 * sign-off, a letter's reference, a handover): a clinical or service abbreviation, a staff role, a title, a day
 * or a month, or a small word a note ends on. Full stops are ignored ("S.B." is "sb").
 */
function abbreviation(letters: string): boolean {
  const key = keyOf(letters);
  return (
    CLINICAL.has(key) ||
    SERVICE_ABBREVIATIONS.has(key) ||
    STAFF_ROLES.has(key) ||
    TITLES.has(key) ||
    CALENDAR.has(key) ||
    NOT_INITIALS.has(key)
  );
}

/**
 * Capitals with full stops ("M.G.", "J.P.R."): a person's initials, unless the letters are an abbreviation (a
 * clinical, service or role one: "T.I.A.", "O.T.", "D.N."; or one of DOTTED_ABBREVIATIONS); "M.G." is not "mg".
 */
function dottedInitials(letters: string): boolean {
  if (!/^(?:[A-Z]\.){2,3}$/.test(letters)) return false;
  const key = keyOf(letters);
  return !DOTTED_ABBREVIATIONS.has(key) && (UNITS.has(key) || !abbreviation(letters));
}

/** Units, which are never written with full stops: "C.M." is initials, not "cm". */
const UNITS: ReadonlySet<string> = new Set("cm mm mg ml kg mcg".split(" "));

/** Abbreviations notes write with full stops: "N.B.", "P.S.", "a.m.", "e.g.", doses ("B.D.", "P.R.N."), "D.O.B.". */
const DOTTED_ABBREVIATIONS: ReadonlySet<string> = new Set(
  "nb ps am pm ie eg uk gp od bd tds qds qid prn po iv im sc pr pv sl ng nbm dob aka rip nfa dna nad bp ct mri ecg dm pvd peg".split(
    " ",
  ),
);

/**
 * A note signed with an initial and a family name, then one to three short words of role, grade or team, one of
 * them a staff role or a grade, a comma perhaps before them: "… O. Brennan TB CNS", "… S. Adeyinka CT1 T&O", "… C.
 * Forde, AMU SpR".
 */
const SIGNATURE =
  /(?:^|[.!?][ \t]{1,3}|\n[ \t]{0,3}|\b[Ss]igned:?[ ]{1,2})(?<name>\p{Lu}\.[ ]?\p{Lu}[\p{L}\p{M}'’-]{1,30}),?(?<roles>(?:[ \t]{1,3}[A-Z][A-Za-z&]{0,5}\d{0,2}){1,3})[ \t]{0,3}\.?\s*$/u;
/**
 * A note signed with a given name alone and a role, grade or team: "… Oluwadamilare ST2", "… Ngozi TB CNS". The name is one
 * the name lists hold, or no English word; not one of the commoner English words ("Bloods PT", "Review SpR").
 */
const GIVEN_SIGNATURE =
  /(?:^|[.!?][ \t]{1,3}|\n[ \t]{0,3})(?<name>\p{Lu}\p{Ll}{2,20})(?<roles>(?:[ \t]{1,3}[A-Z][A-Za-z&]{0,5}\d{0,2}){1,2})[ \t]{0,3}\.?\s*$/u;

/**
 * A name (one the name lists hold), the initial of a family name and a staff role or grade, anywhere: "Hannah B
 * RN", "Kirsty B CNS".
 */
const GIVEN_INITIAL_ROLE =
  /(?<=\b(?<given>\p{Lu}\p{Ll}{2,20}))[ ][A-Z]\.?[ ]{1,2}(?<role>[A-Z][A-Za-z]{1,4}\d{0,2})\b/gu;

/** The last word of a few words written with single spaces or tabs. */
function lastWord(words: string): string {
  return (
    words
      .trim()
      .split(/[ \t]+/)
      .pop() ?? ""
  );
}

/** The role words a signature gives after initials: a grade, a staff role or a role noun, a service. */
function signatureRole(words: string): boolean {
  const last = lastWord(words);
  const key = keyOf(last);
  if (GRADE.test(last) || STAFF_ROLES.has(key) || ROLE_NOUNS.has(key) || JOB_TITLES.has(key)) return true;
  // "(TCS reg)", "(on call)": a registrar or whoever is on call.
  if (key === "reg" || /\bon[ -]call$/i.test(words.trim())) return true;
  return SERVICE_WORD.test(key) || (/^[A-Z]{2,5}$/.test(last) && !CLINICAL.has(key));
}

/** Words that end in "nurse" ("IBD nurse", "stoma nurse"): a nurse's role, whatever the specialty before it. */
function nurse(words: string): boolean {
  return keyOf(lastWord(words)) === "nurse";
}

/** A role, a grade or a service written as such, not any capitals: "RN", "ST2", "care navigator", "physio". */
function strictRole(words: string): boolean {
  const last = lastWord(words);
  const key = keyOf(last);
  return (
    isRoleOrGrade(last) ||
    STAFF_ROLES.has(key) ||
    ROLE_NOUNS.has(key) ||
    JOB_TITLES.has(key) ||
    SERVICE_WORD.test(key)
  );
}

/** A staff role or a grade as a signature writes it ("RN", "CNS", "ST4", "SpR"). */
function isRoleOrGrade(word: string): boolean {
  return GRADE.test(word) || (word === word.toUpperCase() && STAFF_ROLES.has(keyOf(word)));
}

/**
 * A signature in a note's `tail`, its last characters from `from`: SIGNATURE (an initial and a family name) or
 * GIVEN_SIGNATURE (a given name alone, which `nameOk` must accept), then role words of which one is a role or grade.
 */
function findSignature(
  tail: string,
  from: number,
  spans: Span[],
  pattern: RegExp,
  nameOk: (name: string) => boolean,
): void {
  const m = pattern.exec(tail);
  if (m === null) return;
  const { name, roles } = m.groups as { name: string; roles: string };
  if (
    !roles
      .trim()
      .split(/[ \t]+/)
      .some(isRoleOrGrade) ||
    !nameOk(name)
  )
    return;
  const start = from + m.index + m[0].indexOf(name);
  spans.push({ start, end: start + name.length, entity: "NAME", replacement: undefined });
}

/**
 * The reference that ends a dictated letter (LETTER_REFERENCE). Not a pair of clinical or service abbreviations
 * ("OT/PT", "BP/HR", "U/E"): initials in capitals on both sides must be neither; a typist's in small letters after
 * capitals is the letter's reference whatever it spells ("KM/pt").
 */
function findLetterReference(tail: string, from: number, spans: Span[]): void {
  const m = LETTER_REFERENCE.exec(tail);
  if (m !== null) referenceInitials(m, from, spans);
}

/**
 * The author's and the typist's initials of a letter's reference (a match of LETTER_REFERENCE or
 * CUED_LETTER_REFERENCE, `offset` into the note), unless the author's, or the typist's in capitals, are an
 * abbreviation.
 */
function referenceInitials(m: RegExpExecArray, offset: number, spans: Span[]): void {
  const { author, typist } = m.groups as { author: string; typist: string };
  const small = typist === typist.toLowerCase();
  if (abbreviation(author) || (!small && abbreviation(typist))) return;
  const typistAt = m[0].lastIndexOf(typist);
  const authorAt = m[0].lastIndexOf(author, m[0].lastIndexOf("/", typistAt));
  for (const [at, letters] of [
    [authorAt, author],
    [typistAt, typist],
  ] as const) {
    const start = offset + m.index + at;
    spans.push({ start, end: start + letters.length, entity: "NAME", replacement: undefined });
  }
}

/**
 * A letter's reference after its cue, wherever the letter puts it (the header, mostly): the author's initials, a
 * slash and the typist's, perhaps a file number after another slash ("Ref: KM/pt", "Our ref: DQV/hn/C2291",
 * "Your ref: AMcR/lw"). Both are people's initials; the number is the reference detectors'.
 */
const CUED_LETTER_REFERENCE =
  /\b(?:[Rr]ef(?:erence)?|REF(?:ERENCE)?)\.?(?:[ ]?(?:[Nn]o|NO)\.?)?:?[ ]{0,2}(?<author>[A-Z](?:[A-Z]|Mc|Mac){1,3}[A-Z]?|(?:[A-Z]\.){2,3})[ ]?\/[ ]?(?<typist>[A-Za-z]{2,3}|(?:[A-Z]\.){2,3})(?![A-Za-z0-9])/y;

/** The next "ef" or "EF" after an "R" or "r" at or after `from`, or -1. */
function findCuedLetterReferences(text: string, spans: Span[]): void {
  const re = CUED_LETTER_REFERENCE;
  // Each spelling's next place is looked up once, each search starting after the last: linear in the note.
  for (const cue of ["ef", "EF"])
    for (let at = text.indexOf(cue, 1); at >= 0; at = text.indexOf(cue, at + 2)) {
      if ((text.charCodeAt(at - 1) | 32) !== 114) continue;
      re.lastIndex = at - 1;
      const m = re.exec(text);
      if (m !== null) referenceInitials(m, 0, spans);
    }
}

/**
 * A given name that may sign alone or stand beside a role: a listed name or no English word, nothing clinical; a
 * common English word only when it is an English given name too ("Grace", "Will", not "Stable" or "Good").
 */
function givenSigns(name: string): boolean {
  const key = keyOf(name);
  const { NAMES, GIVEN, WORD_LEVEL } = gazetteer();
  const level = WORD_LEVEL.get(key);
  if (level !== undefined && (level <= 20 ? !GIVEN.has(key) : !(NAMES.has(key) || GIVEN.has(key))))
    return false;
  return !namesSomethingElse(key);
}

/** A clinical word, a title, a day or month, a role or a language: what a lone capitalised word names before a person. */
function namesSomethingElse(key: string): boolean {
  return (
    CLINICAL.has(key) || TITLES.has(key) || CALENDAR.has(key) || ROLE_NOUNS.has(key) || LANGUAGES.has(key)
  );
}

/** A word the name lists hold (a given or a family name). */
function listedName(word: string): boolean {
  const key = keyOf(word);
  const { NAMES, GIVEN } = gazetteer();
  return NAMES.has(key) || GIVEN.has(key);
}

/**
 * A name and a role together in brackets: "(Ugochi, DSN)", "(Temitope – TVN)", "(Grace, care navigator)". One or two
 * capitalised words that givenSigns accepts, then a role, a grade or a service (signatureRole).
 */
const NAME_ROLE_BRACKET =
  /\((?<name>\p{Lu}\p{Ll}{1,20}(?:[ -]\p{Lu}\p{Ll}{1,20})?)(?:,|[ ]?[–—-])[ ]{1,2}(?<role>[A-Za-z][A-Za-z0-9 &]{1,24})\)/uy;

const NAME_WORD_SEPARATOR = /[ -]/;

function findNameRoleBrackets(text: string, spans: Span[]): void {
  for (let open = text.indexOf("("); open >= 0; open = text.indexOf("(", open + 1)) {
    NAME_ROLE_BRACKET.lastIndex = open;
    const m = NAME_ROLE_BRACKET.exec(text);
    if (m === null) continue;
    const { name, role } = m.groups as { name: string; role: string };
    const words = name.split(NAME_WORD_SEPARATOR);
    if (!words.every(givenSigns)) continue;
    // A word no list holds beside an abbreviation is as often a drug and its class ("Sertraline, SSRI").
    if (!(words.every(listedName) ? signatureRole(role) : strictRole(role))) continue;
    spans.push({ start: open + 1, end: open + 1 + name.length, entity: "NAME", replacement: undefined });
  }
}

/**
 * A line of a pasted conversation (texts, WhatsApp, a transcript) that opens with its speaker and a colon, perhaps
 * after a time stamp and with a role in brackets: "Nneka: …", "11/06 08:02 Ifan (HV): …", "[10:42] TQ: …".
 */
const SPEAKER_LINE =
  /(?:^|\n)[ \t]{0,3}(?:\[?(?:\d{1,2}\/\d{1,2}(?:\/\d{2,4})?,?[ ]{1,2})?\d{1,2}:\d{2}(?::\d{2})?\]?[ ]{1,2}(?:[-–][ ])?)?(?<speaker>\p{Lu}[\p{Ll}'’-]{1,20}|[A-Z]{2,3})(?:[ ]\([^)\n]{1,20}\))?:[ ](?![ ]*[\d.+-])/gu;

/**
 * The speakers of a pasted conversation: where three lines or more open with a speaker (SPEAKER_LINE), two speakers
 * or more take turns and one speaks at least twice, each speaker that is a given name (givenSigns: a listed name, or
 * any such word speaking twice) or initials that are no abbreviation (staffInitials, speaking twice) is a person. A
 * line that goes on with a figure is a reading, not a message ("BP: 132/84", "Na: 131"); a history's headings
 * ("PMH:", "DH:", "Plan:") are words or abbreviations, and rarely come back.
 */
function findSpeakers(text: string, spans: Span[]): void {
  const re = SPEAKER_LINE;
  re.lastIndex = 0;
  const lines: Array<{ at: number; speaker: string }> = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const speaker = m.groups?.["speaker"] as string;
    lines.push({ at: m.index + m[0].indexOf(speaker, m[0].startsWith("\n") ? 1 : 0), speaker });
  }
  if (lines.length < 3) return;
  const turns = new Map<string, number>();
  for (const { speaker } of lines) turns.set(speaker, (turns.get(speaker) ?? 0) + 1);
  if (turns.size < 2 || Math.max(...turns.values()) < 2) return;
  for (const { at, speaker } of lines) {
    const twice = (turns.get(speaker) ?? 0) >= 2;
    const initials = speaker.length <= 3 && speaker === speaker.toUpperCase();
    if (
      initials ? !twice || !staffInitials(speaker) : !givenSigns(speaker) || !(twice || listedName(speaker))
    )
      continue;
    spans.push({ start: at, end: at + speaker.length, entity: "NAME", replacement: undefined });
  }
}

/** A line with a date on it, then a dash and two or three capitals at its end (findLogEntryInitials). */
const DATED_LINE_INITIALS =
  /[^\n]{0,60}?\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b[^\n]{0,40}?[ \t][–—-][ \t]{1,3}(?<initials>[A-Z]{2,3})(?=[ \t]*\.?[ \t]*\r?(?:\n|$))/y;
/** Units written after a slash ("/min", "/wk"): never a writer's initials. */
const SLASH_UNITS: ReadonlySet<string> = new Set(
  "min mins hr hrs h wk wks yr yrs mth mths sec secs day kg ml mg mcg dl l d".split(" "),
);
/** A timed entry's end: a space, a slash and the writer's initials ("… settled /kp", "… obs done / JT"). */
const SLASH_INITIALS = /[ \t]\/[ \t]?(?<initials>[a-z]{2,3}|[A-Z]{2,3})$/;
/**
 * Initials that sign an entry of a timed log at the end of its line, after the entry's last sentence or a dash, the
 * next line starting with a time (and perhaps a day and month): "… ate breakfast. QT⏎09:15 …", "… settled – BV⏎4/11
 * 07:50 …". The note's last entry is a sign-off (SIGN_OFF).
 */
const LOG_ENTRY_INITIALS = /(?:[.!?)]|[ \t][–—-])[ \t]{1,3}(?<initials>[A-Z]{2,3})[ \t]*\.?[ \t]*\r?$/;
/**
 * A log entry's time at a line's start, with a colon or a full stop or in four figures, perhaps after a date ("09:15",
 * "0800", "4/11 06:40", "4/11/24 06:40"; not "120/80" or "150 mL").
 */
const ENTRY_TIME =
  /[ \t]{0,3}(?:\d{1,2}\/\d{1,2}(?:\/\d{2,4})?[ ]{1,2})?(?:(?:[01]?\d|2[0-3])[:.][0-5]\d|(?:[01]\d|2[0-3])[0-5]\d)(?![\d/.])/y;

/**
 * A role (or "Signed") and a colon before initials at the end of a timed log's line: "22:10 Settled in bed. HCA: QD",
 * "07:45 Washed and dressed. Signed: PV". The line's time makes it a log entry and the role says who wrote it.
 */
const ROLE_COLON_INITIALS =
  /(?<![\p{L}\p{N}])(?<role>\p{L}{2,12})[ ]?:[ ]{0,2}(?<initials>[A-Z]{2,3})[ \t]*\.?[ \t]*\r?$/u;
/** Words before a colon that say who signs a log entry, besides the staff roles' abbreviations. */
const SIGNED_CUES = new Set(["signed", "sig", "sign", "initials"]);

/**
 * The initials that sign a timed log's entries, in one pass over the lines: after the entry's last sentence or a
 * dash when the next line starts with a time (LOG_ENTRY_INITIALS), after a role and a colon when the line itself
 * does (ROLE_COLON_INITIALS). Only lines that end on two capitals (spaces, a full stop and a carriage return aside)
 * are read.
 */
function findLogEntryInitials(text: string, spans: Span[]): void {
  const push = (from: number, m: RegExpExecArray, initials: string) => {
    const start = from + m.index + m[0].lastIndexOf(initials);
    spans.push({ start, end: start + initials.length, entity: "NAME", replacement: undefined });
  };
  for (let lineStart = 0; lineStart < text.length; ) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = lineStart;
    lineStart = lineEnd + 1;
    let end = lineEnd;
    for (
      let c = text.charCodeAt(end - 1);
      end > line && (c === 32 || c === 9 || c === 13 || c === 46);
      c = text.charCodeAt(end - 1)
    )
      end--;
    // "… obs stable /kp": a slash and initials end a timed entry, in small letters too.
    if (text.charCodeAt(end - 3) === 47 || text.charCodeAt(end - 4) === 47) {
      const from = Math.max(line, end - 6);
      const m = SLASH_INITIALS.exec(text.slice(from, end));
      const initials = m?.groups?.["initials"];
      ENTRY_TIME.lastIndex = line;
      const timed = ENTRY_TIME.test(text);
      ENTRY_TIME.lastIndex = lineStart;
      if (
        m !== null &&
        initials !== undefined &&
        (timed || (newline >= 0 && ENTRY_TIME.test(text))) &&
        !SLASH_UNITS.has(keyOf(initials)) &&
        staffInitials(initials)
      )
        push(from, m, initials);
      if (m !== null) continue;
    }
    if (!isCapitalAt(text, end - 1) || !isCapitalAt(text, end - 2)) continue;
    // "Diabetes review 10/03/25 - GR": a dated heading that ends with its writer's initials after a dash.
    DATED_LINE_INITIALS.lastIndex = line;
    const dated = DATED_LINE_INITIALS.exec(text);
    if (dated !== null && dated.index + dated[0].length === end) {
      const initials = dated.groups?.["initials"] as string;
      if (staffInitials(initials)) {
        push(0, dated, initials);
        continue;
      }
    }
    ENTRY_TIME.lastIndex = lineStart;
    if (newline >= 0 && ENTRY_TIME.test(text)) {
      const from = Math.max(line, lineEnd - 12);
      const m = LOG_ENTRY_INITIALS.exec(text.slice(from, lineEnd));
      const initials = m?.groups?.["initials"];
      if (m !== null && initials !== undefined && staffInitials(initials)) push(from, m, initials);
    }
    ENTRY_TIME.lastIndex = line;
    if (!ENTRY_TIME.test(text)) continue;
    const from = Math.max(line, lineEnd - 24);
    const m = ROLE_COLON_INITIALS.exec(text.slice(from, lineEnd));
    if (m === null) continue;
    const { role, initials } = m.groups as { role: string; initials: string };
    const key = keyOf(role);
    if ((STAFF_ROLES.has(key) || SIGNED_CUES.has(key)) && staffInitials(initials)) push(from, m, initials);
  }
}

/** Whether the character at `i` is a letter (false before the text's start). */
function isLetterAt(text: string, i: number): boolean {
  return i >= 0 && /\p{L}/u.test(text.charAt(i));
}

function isCapitalAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 65 && c <= 90;
}

const ANY_NAME = (): boolean => true;

function findGivenInitialRoles(text: string, spans: Span[]): void {
  const re = GIVEN_INITIAL_ROLE;
  re.lastIndex = 0;
  const { NAMES, GIVEN, WORD_LEVEL } = gazetteer();
  for (let g = re.exec(text); g !== null; g = re.exec(text)) {
    const { given: word, role } = g.groups as { given: string; role: string };
    const given = keyOf(word);
    if (!isRoleOrGrade(role) || !NAMES.has(given) || CLINICAL.has(given)) continue;
    // A common English word before a letter is a grade or a stage ("Grade B RN"), unless a given name too.
    if (!GIVEN.has(given) && (WORD_LEVEL.get(given) ?? 99) <= 35) continue;
    spans.push({ start: g.index - word.length, end: g.index + 2, entity: "NAME", replacement: undefined });
  }
}

/**
 * Whether a note's last word could end a signature or a sign-off: a closing bracket, a word of up to seven
 * characters starting with a capital ("SB", "ST4", "SpR", "CNS"), or in small letters initials of up to three
 * letters or a role ("kp", "physio"). Most notes end on a longer word or one in small letters, and skip the patterns.
 */
function mayBeSigned(text: string): boolean {
  const end = signedEnd(text);
  if (text.charCodeAt(end - 1) === 41) return true;
  const start = signatureStart(text, end);
  const length = end - start;
  if (length === 0 || length > 12) return false;
  const first = text.charCodeAt(start);
  if (length <= 7 && first >= 65 && first <= 90) return true;
  // A longer last word signs only as a service ending in "y" ("podiatry", "radiology", "pharmacy"): most notes
  // end on a longer word, and are spared the look-ups.
  if (length > 7 && text.charCodeAt(end - 1) !== 121) return false;
  const key = keyOf(text.slice(start, end));
  if (length > 7) return SERVICE_WORD.test(key);
  return length <= 3 || key === "nurse" || ROLE_NOUNS.has(key) || STAFF_ROLES.has(key) || JOB_TITLES.has(key);
}

/** Where a note's text ends: before the white space and the one full stop it ends on. */
function signedEnd(text: string): number {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) <= 32) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return end;
}

/** Where the initials, role or grade that end at `end` start (isSignatureChar). */
function signatureStart(text: string, end: number): number {
  let start = end;
  while (start > 0 && isSignatureChar(text.charCodeAt(start - 1))) start--;
  return start;
}

/** Letters, digits, "&" and full stops: the characters of initials, roles and grades ("S.B.", "T&O", "CT1"). */
function isSignatureChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 38 || c === 46;
}

const ROMAN = /^[IVX]+$/;

/**
 * Two or three capitals that are no abbreviation (see abbreviation), a chart's or care record's abbreviation ("BP",
 * "BO"), a Roman numeral or a common English word: initials away from a note's end, where a record's abbreviations
 * end entries too.
 */
function staffInitials(letters: string): boolean {
  if (ROMAN.test(letters) || abbreviation(letters) || RECORD_ABBREVIATIONS.has(keyOf(letters))) return false;
  return (gazetteer().WORD_LEVEL.get(keyOf(letters)) ?? 99) > 35;
}

/**
 * Initials after a word for writing the record down: "typed by KL", "dictated RC", "Minutes: RC", "scribe: ab",
 * "transcribed by J.K.", "countersigned TW", "witnessed by TW". Lower-case "minutes" only with "by" or a colon ("5
 * minutes SR" is a rhythm's), "witnessed" only with "by" ("witnessed GTC seizure").
 */
const KEEPER_INITIALS =
  /\b(?:[Tt]yped|[Dd]ictated|[Tt]ranscribed|[Cc]ountersigned|[Ww]itnessed(?=[ ]by)|[Ss]cribed?|TYPED|DICTATED|Minutes|MINUTES|[Mm]inute[ ]taker|[Mm]inuted|[Mm]inutes(?=[ ]by|[ ]?:))(?:[ ](?:by|BY))?[ ]?:?[ ]{1,2}(?<initials>[A-Z]{2,3}|[a-z]{2,3}|(?:[A-Z]\.){2,3})(?![\p{L}\p{N}])/gu;
/** The letters every KEEPER_INITIALS cue holds: a note without them is spared the pattern. */
const KEEPER_HINT = /yped|ictated|ranscribed|ountersigned|itnessed|cribe|inute|YPED|ICTATED|INUTES/;

function findKeeperInitials(text: string, spans: Span[]): void {
  if (!KEEPER_HINT.test(text)) return;
  const re = KEEPER_INITIALS;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const initials = m.groups?.["initials"] as string;
    const letters = initials.replaceAll(".", "");
    if (!staffInitials(letters) || isRoleOrGrade(letters)) continue;
    const end = m.index + m[0].length;
    spans.push({ start: end - initials.length, end, entity: "NAME", replacement: undefined });
  }
}

/**
 * Initials written with full stops before a staff role or grade that ends the clause ("X.Q. HCP / …", "V.Q. RN,";
 * not "C.P. SW informed", where the letters name a service), or in a list after
 * "Signed" ("Signed: Q. V-W., X.Z., K.Q.", a hyphen between the letters of a double-barrelled name).
 */
const DOTTED_INITIALS =
  /(?<![A-Za-z0-9.])(?<initials>(?:[A-Z]\.){2,3})(?=[ ]{1,2}(?<role>[A-Za-z]{2,5}\d{0,2})[ ]{0,2}(?:[/,;)\n]|\.?[ ]*$))/g;
const SIGNED_INITIALS =
  /\b(?:[Ss]igned|SIGNED):?[ ]{1,2}(?<list>[A-Z]\.(?:[ ]?[A-Z](?:-[A-Z])?\.){1,2}(?:,[ ]{1,2}[A-Z]\.(?:[ ]?[A-Z](?:-[A-Z])?\.){1,2}){0,5})/g;
/** The letters of one item of SIGNED_INITIALS's list ("Q. V-W.", "X.Z."). */
const SIGNED_ITEM = /[A-Z]\.(?:[ ]?[A-Z](?:-[A-Z])?\.){1,2}/g;

/** A name of `letters` at `start`, replaced by the placeholder. */
function pushName(spans: Span[], start: number, letters: string): void {
  spans.push({ start, end: start + letters.length, entity: "NAME", replacement: undefined });
}

function findDottedInitials(text: string, spans: Span[]): void {
  DOTTED_INITIALS.lastIndex = 0;
  for (let m = DOTTED_INITIALS.exec(text); m !== null; m = DOTTED_INITIALS.exec(text)) {
    const { initials, role } = m.groups as { initials: string; role: string };
    if (dottedInitials(initials) && (isRoleOrGrade(role) || ROLE_NOUNS.has(keyOf(role))))
      pushName(spans, m.index, initials);
  }
  if (!text.includes("igned") && !text.includes("IGNED")) return;
  SIGNED_INITIALS.lastIndex = 0;
  for (let m = SIGNED_INITIALS.exec(text); m !== null; m = SIGNED_INITIALS.exec(text)) {
    const list = (m.groups as { list: string }).list;
    const at = m.index + m[0].length - list.length;
    SIGNED_ITEM.lastIndex = 0;
    for (let item = SIGNED_ITEM.exec(list); item !== null; item = SIGNED_ITEM.exec(list)) {
      const letters = item[0].replaceAll(" ", "");
      if (letters.includes("-") || dottedInitials(letters)) pushName(spans, at + item.index, item[0]);
    }
  }
}

/** A handover from one person to the next at a line's end: "QT → VB", "RD -> PH 14:20", "QT → Morag". */
const HANDOVER =
  /(?<![\p{L}\p{N}])(?<from>[A-Z]{2,3})[ ]?(?:→|->)[ ]?(?<to>[A-Z]{2,3}|\p{Lu}\p{Ll}{2,20})(?:[ ]\d{1,2}[:.]?\d{2})?[ \t]*\.?[ \t]*(?:$|\n)/gu;
/**
 * Staff initials in handover sheets, away from a note's end: a handover between two people at a line's end. One
 * side's letters at least must be initials (staffInitials: no clinical, service, role or common word, nor a Roman
 * numeral: "IV → PO", "NYHA III → II" stay); then both sides are people, the other side taken too unless it is a
 * name that is an English word ("AS → Discharge").
 */
function findHandovers(text: string, spans: Span[]): void {
  HANDOVER.lastIndex = 0;
  for (let m = HANDOVER.exec(text); m !== null; m = HANDOVER.exec(text)) {
    const { from, to } = m.groups as { from: string; to: string };
    const toInitials = to.length <= 3 && to === to.toUpperCase();
    if (!staffInitials(from) && (!toInitials || !staffInitials(to))) continue;
    pushName(spans, m.index, from);
    // A name after the arrow goes too, unless it is an English word ("AS → Discharge").
    if (toInitials || !gazetteer().WORD_LEVEL.has(keyOf(to)))
      pushName(spans, m.index + m[0].indexOf(to, from.length), to);
  }
}

/** SCOWL levels above this are rare words: initials in small letters that spell one still sign a note. */
const RARE_WORD_LEVEL = 55;

/**
 * A note's last line that signs it: a name written short ("E. Nwosu", "Femi C", "rhian b", "b pryce") or initials
 * ("MT", "cl"), perhaps after a dash, then perhaps a role of a few words ("ward sister", "trauma coordinator",
 * "- ENT secretary", ", LD liaison nurse"). Initials need the role.
 */
const LAST_LINE_SIGNATURE =
  /\n[ \t]{0,3}(?:[–—-][ \t]{1,3})?(?:(?<short>\p{Lu}\.?[ ]?\p{Lu}[\p{Ll}'’-]{1,30}|\p{Ll}\.?[ ]\p{Ll}[\p{Ll}'’-]{1,30}|\p{L}\p{Ll}{1,20}[ ]\p{L}\.?)|(?<initials>[A-Z]{2,3}|[a-z]{2,3}))(?:(?:[ \t]{0,3}[,–—-][ \t]{0,3}|[ \t]{1,3})(?<roles>[A-Za-z][A-Za-z&]{1,15}(?:[ \t]{1,2}[A-Za-z][A-Za-z&]{1,15}){0,3}))?[ \t]{0,3}\.?\s*$/u;

/**
 * Specialties' abbreviations written before a nurse or a secretary that the clinical and record lists do not hold
 * ("HF nurse", "MSK podiatrist"; "DM", "IBD", "COPD" are there).
 */
const SPECIALTIES: ReadonlySet<string> = new Set("hf pd cf tv tvn msk afu hcc dsn".split(" "));

/** Roles a last line may end on, besides those signatureRole takes: "ward sister", "liaison nurse". */
const SIGNING_TITLES: ReadonlySet<string> = new Set(["sister", "nurse", "podiatrist"]);

function isDash(c: number): boolean {
  return c === 45 || c === 0x2013 || c === 0x2014 || c === 0x2022;
}

/** The first character of the line starting at `at` after its spaces and tabs. */
function lineLead(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  return text.charCodeAt(i);
}

/** The line after `lineBreak` and the one before it both start with a dash: a list's items, not a signature. */
function lastOfDashList(text: string, lineBreak: number): boolean {
  return (
    isDash(lineLead(text, lineBreak + 1)) && isDash(lineLead(text, text.lastIndexOf("\n", lineBreak - 1) + 1))
  );
}

function findLastLineSignature(text: string, spans: Span[]): void {
  const lastLine = text.lastIndexOf("\n", text.length - 2);
  if (lastLine < 0 || text.length - lastLine > 60) return;
  const tail = text.slice(lastLine);
  const m = LAST_LINE_SIGNATURE.exec(tail);
  if (m === null || lastOfDashList(text, lastLine)) return;
  const { short, initials, roles } = m.groups as Record<string, string | undefined>;
  if (roles !== undefined && !signatureRole(roles) && !SIGNING_TITLES.has(keyOf(lastWord(roles)))) return;
  const { NAMES, GIVEN, WORD_LEVEL } = gazetteer();
  const plain = (word: string) => {
    const key = keyOf(word);
    if (key.length < 2) return true;
    if (CLINICAL.has(key) || TITLES.has(key) || STAFF_ROLES.has(key) || ROLE_NOUNS.has(key)) return false;
    const level = WORD_LEVEL.get(key);
    return level === undefined || level > 35 || ((NAMES.has(key) || GIVEN.has(key)) && level >= 20);
  };
  let name: string;
  if (short !== undefined) {
    // Every word of the short name is a name or no common word: not "plan b", "hep B", "vitamin d".
    if (!short.split(/[ .]+/).every(plain)) return;
    name = short;
  } else {
    if (initials === undefined || roles === undefined) return;
    const key = keyOf(initials);
    // Not a specialty, a unit or a finding before the role ("DM nurse", "ITU sister", "ENT secretary").
    if (abbreviation(initials) || RECORD_ABBREVIATIONS.has(key) || SPECIALTIES.has(key)) return;
    if (initials === initials.toLowerCase() && (WORD_LEVEL.get(key) ?? 99) <= RARE_WORD_LEVEL) return;
    name = initials;
  }
  const start = lastLine + m.index + m[0].indexOf(name);
  spans.push({ start, end: start + name.length, entity: "NAME", replacement: undefined });
}

/**
 * Two capitals on the note's last line, alone (SIGN_OFF's match `m` in `tail`): initials even when they spell a
 * clinical abbreviation ("…⏎RA", "…⏎HB"), a note ending in a finding on a line of its own being rarer than one
 * signed; not after a heading's colon ("Impression:⏎AF"), nor a Roman numeral, a role, a grade, a title, a day, a
 * chart's abbreviation or a word notes end on ("…⏎OT", "…⏎BO", "…⏎OK").
 */
function aloneOnLastLine(tail: string, m: RegExpExecArray, initials: string, key: string): boolean {
  return (
    /^\n[ \t]*$/.test(tail.slice(m.index, m.index + m[0].indexOf(initials))) &&
    !/:[ \t]*$/.test(tail.slice(0, m.index)) &&
    !ROMAN.test(initials) &&
    /^[A-Z]{2}$/.test(initials) &&
    !RECORD_ABBREVIATIONS.has(key) &&
    !isRoleOrGrade(initials) &&
    !SERVICE_ABBREVIATIONS.has(key) &&
    !TITLES.has(key) &&
    !CALENDAR.has(key) &&
    !NOT_INITIALS.has(key) &&
    !ROLE_NOUNS.has(key)
  );
}

function findSignOff(text: string, spans: Span[]): void {
  findGivenInitialRoles(text, spans);
  if (text.includes("\n")) findLastLineSignature(text, spans);
  findNameRoleBrackets(text, spans);
  if (text.includes("/")) findCuedLetterReferences(text, spans);
  if (text.includes(":") || text.includes("\n")) findLogEntryInitials(text, spans);
  if (text.includes("\n") && text.includes(": ")) findSpeakers(text, spans);
  if (!mayBeSigned(text)) return;
  const from = Math.max(0, text.length - 80);
  const tail = from === 0 ? text : text.slice(from);
  findLetterReference(tail, from, spans);
  findSignature(tail, from, spans, SIGNATURE, ANY_NAME);
  findSignature(tail, from, spans, GIVEN_SIGNATURE, givenSigns);
  const m = SIGN_OFF.exec(tail);
  if (m === null) return;
  // "Problems:⏎- asthma⏎- DM": the last item of a list of dashes, not a signature.
  if (/^\n[ \t]{0,3}[–—-]/.test(m[0]) && lastOfDashList(text, from + m.index)) return;
  const { initials, role, bracket, comma, by, slash } = m.groups as Record<string, string | undefined> & {
    initials: string;
  };
  const key = keyOf(initials);
  // "… 80 beats /min", "1 kg /wk": a unit after a slash.
  if (slash !== undefined && SLASH_UNITS.has(key)) return;
  // "Uploaded by TW.", "typed LK": initials after "by" or "typed" at the end, but not a role or a grade ("seen by
  // RN", "by SHO").
  if (by !== undefined && (role !== undefined || bracket !== undefined || isRoleOrGrade(initials))) return;
  // "PW (admin)", "KD (TVN)": a bracket after initials says who signs: a role, a service or its abbreviation.
  // "(stoma nurse)", "- GT, stoma nurse": a nurse's role in a bracket, or a comma and the writer's role, which must
  // then be one as written (not "CT, chest clear"), after letters that are no abbreviation, role or grade themselves
  // ("- DM (practice nurse)", "Referrals:⏎OT, physio"). "DM nurse" alone on the last line is a specialty's.
  const plainInitials = staffInitials(initials) && !isRoleOrGrade(initials);
  if (bracket !== undefined && !signatureRole(bracket) && !(nurse(bracket) && plainInitials)) return;
  // "- PD (PD nurse)": letters that the role repeats are its specialty, not a writer's initials.
  if ((bracket ?? comma)?.split(/[ \t]+/).includes(initials)) return;
  if (comma !== undefined && (role !== undefined || !plainInitials || !(strictRole(comma) || nurse(comma))))
    return;
  if (role !== undefined) {
    // Initials then a word: a signature only when the word is a role, a grade or a service ("AO ST4", "TR
    // podiatry"), never "NG tube".
    if (!signatureRole(role)) return;
    if (TITLES.has(key) || NOT_INITIALS.has(key)) return;
  } else if (
    (abbreviation(initials) && !aloneOnLastLine(tail, m, initials, key) && !dottedInitials(initials)) ||
    // In small letters, an English word ends a sentence ("… as before. yes", "… ok ta"); a rare one ("ja", "jo")
    // is more likely the writer's initials.
    (initials === initials.toLowerCase() && (gazetteer().WORD_LEVEL.get(key) ?? 99) <= RARE_WORD_LEVEL)
  )
    return;
  const start = from + m.index + m[0].indexOf(initials);
  spans.push({ start, end: start + initials.length, entity: "NAME", replacement: undefined });
}

/**
 * A note's end signed with initials, a slash and the writer's role or a co-signer ending in one, at the line's start
 * or after the last sentence, a dash before them or not ("- QB/RN", "T.W./Osric Vance RN", "QZ/ADHD NS"; not
 * "Refer to ICB/OT").
 */
const SLASH_ROLE_SIGN_OFF =
  /(?:(?:^|\n)[ \t]{0,3}(?:[–—-][ \t]{1,3})?|[.!?)][ \t]{1,3}(?:[–—-][ \t]{1,3})?)(?<initials>[A-Z]{2,3}|(?:[A-Z]\.){2,3})[ ]?\/[ ]?(?<rest>[A-Za-z][A-Za-z .'-]{0,30}?)[ \t]*\.?\s*$/;
/**
 * A note ending on two initials and the date after a sentence, on a line of their own or after a dash ("… agreed.
 * QS 09/10/25", "⏎QK Tue 8th Apr"). Three capitals before a date are a test or a vaccine as often ("MMR 03/05/2019").
 */
const DATED_SIGN_OFF =
  /(?:[.!?][ \t]{1,3}|\n[ \t]{0,3}(?:[–—-][ \t]{1,3})?)(?<initials>[A-Z]{2}|(?:[A-Z]\.){2})[ \t]{1,3}(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,5}\.?,?[ \t]{1,3})?(?:\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{1,2}(?:st|nd|rd|th)?[ \t]{1,2}[A-Z][a-z]{2,8}\.?(?:[ \t]{1,2}\d{2,4})?)(?:[ \t]{1,3}\d{1,2}[:.]\d{2})?[ \t]*\.?\s*$/;

/**
 * The two sign-offs above, in the note's last 80 characters. The letters must be no abbreviation and appear nowhere
 * else in the note: a writer's initials sign once, an abbreviation the note uses recurs ("HRT started … HRT
 * 12/10/25").
 */
function findSlashOrDatedInitials(text: string, spans: Span[]): void {
  // Both end on a figure or on a capitalised word (a month, a role): most notes end on neither, and cost no more.
  const wordEnd = signedEnd(text);
  const first = text.charCodeAt(signatureStart(text, wordEnd));
  const last = text.charCodeAt(wordEnd - 1);
  if (!(last >= 48 && last <= 57) && !(first >= 65 && first <= 90)) return;
  const from = Math.max(0, text.length - 80);
  const tail = from === 0 ? text : text.slice(from);
  let m: RegExpExecArray | null = null;
  if (tail.includes("/")) {
    m = SLASH_ROLE_SIGN_OFF.exec(tail);
    if (m !== null) {
      const role = lastWord((m.groups as { rest: string }).rest);
      if (!isRoleOrGrade(role) && !ROLE_NOUNS.has(keyOf(role))) m = null;
    }
  }
  m ??= DATED_SIGN_OFF.exec(tail);
  if (m === null) return;
  const initials = (m.groups as { initials: string }).initials;
  if (!staffInitials(initials)) return;
  const start = from + m.index + m[0].indexOf(initials);
  if (wordElsewhere(text, initials, start)) return;
  spans.push({ start, end: start + initials.length, entity: "NAME", replacement: undefined });
}

/** `word` stands as a whole word in `text` somewhere other than at `at`. */
function wordElsewhere(text: string, word: string, at: number): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (i !== at && !isWordCharAt(text, i - 1) && !isWordCharAt(text, i + word.length)) return true;
  }
  return false;
}

const LOCAL_CHARS = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHARS = /[A-Za-z0-9.-]/;

function findEmails(text: string, spans: Span[]): void {
  let at = text.indexOf("@");
  let previousEnd = 0;
  while (at >= 0) {
    let start = at;
    while (start > previousEnd && LOCAL_CHARS.test(text.charAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN_CHARS.test(text.charAt(end))) end++;
    while (end > at + 1 && text.charAt(end - 1) === ".") end--;
    const domain = text.slice(at + 1, end);
    if (start < at && domain.includes(".") && !domain.startsWith(".")) {
      spans.push({ start, end, entity: "EMAIL", replacement: undefined });
      previousEnd = end;
    }
    at = text.indexOf("@", Math.max(at + 1, end));
  }
}

const NOT_DIGITS = /[^0-9]+/g;

/** The ASCII digits of `s`, in order (`s` itself when it is all digits: no string is built). */
function digitsOf(s: string): string {
  return digitCount(s) === s.length ? s : s.replace(NOT_DIGITS, "");
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Whether a span (of `entity`, when given) covers all of [start, end). */
function coveredBy(spans: readonly Span[], start: number, end: number, entity?: EntityType): boolean {
  for (const s of spans)
    if (s.start <= start && s.end >= end && (entity === undefined || s.entity === entity)) return true;
  return false;
}

const PHONE_OPTIONS = { defaultCountry: "GB", leniency: "POSSIBLE", v2: true } as {
  defaultCountry: "GB";
  v2: true;
};

/**
 * The parser costs about 12 µs a call on a GB number (ADR 0008), and the same patient's number recurs across
 * their events, so results are memoised per candidate window (a pure function of it). The memo holds raw phone
 * numbers in process memory only, as the records themselves are; it is bounded and never exported.
 */
const phoneMemo = new LruCache<ReadonlyArray<readonly [number, number]>>(20_000);

function phoneSpansIn(window: string): ReadonlyArray<readonly [number, number]> {
  const hit = phoneMemo.get(window);
  if (hit !== undefined) return hit;
  // POSSIBLE leniency also finds Ofcom drama ranges and typo'd numbers that VALID rejects.
  const found = findNumbers(window, PHONE_OPTIONS).map((f) => [f.startsAt, f.endsAt] as const);
  phoneMemo.set(window, found);
  return found;
}

/**
 * A phone number's digits in national form, whatever way it is written: "+44 (0)7700 900123", "0044 7700 900123",
 * "07700-900123" and "7700 900123" all give "07700900123".
 */
export function nationalDigits(s: string): string {
  let digits = digitsOf(s);
  if (digits.startsWith("0044")) digits = digits.slice(4);
  else if (digits.startsWith("44") && digits.length >= 12) digits = digits.slice(2);
  return digits.startsWith("0") ? digits : `0${digits}`;
}

function findPhones(text: string, own: readonly OwnIdentifier[], spans: Span[]): void {
  // The phone parser costs tens of microseconds per call on a whole note, mostly on text that is not a phone
  // number. Run it only on candidate windows (digit runs long enough to be a GB number) not already claimed
  // by a valid NHS number; the parser still decides what is a phone number. A window whose digits are the
  // record's own phone number, in any international or national writing, is that number without asking the
  // parser (and is found even where the parser's leniency would not take it).
  // The record's own numbers are read at the first window worth asking about (most notes have none).
  let ownPhones: Map<string, string | undefined> | undefined;
  const re = PATTERNS.PHONE_CANDIDATE;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (digitCount(m[0]) < 9 || coveredBy(spans, start, end, "NHS_NUMBER")) continue;
    ownPhones ??= ownPhoneDigits(own);
    const digits = ownPhones.size > 0 ? nationalDigits(m[0]) : "";
    if (ownPhones.has(digits)) {
      spans.push({ start, end, entity: "PHONE", replacement: ownPhones.get(digits) });
      continue;
    }
    for (const [from, to] of phoneSpansIn(m[0])) {
      // "(020 7946 0139)": a bracket the number opens but does not close is the text's, and stays with its pair.
      const open = m[0].charCodeAt(from) === 40 && !m[0].slice(from, to).includes(")") ? 1 : 0;
      spans.push({ start: start + from + open, end: start + to, entity: "PHONE", replacement: undefined });
    }
  }
}

/** The record's own phone numbers by their national digits (nationalDigits), with their tokens. */
function ownPhoneDigits(own: readonly OwnIdentifier[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const id of own) {
    if (id.entity !== "PHONE") continue;
    const digits = nationalDigits(id.text);
    if (digits.length >= 9) out.set(digits, id.replacement);
  }
  return out;
}

function spanBefore(a: Span, b: Span): boolean {
  if (a.start !== b.start) return a.start < b.start;
  if (a.end !== b.end) return a.end > b.end;
  return PRIORITY[a.entity] < PRIORITY[b.entity];
}

/**
 * Orders spans by start, the longest first at one start, then by entity priority. Insertion sort in place: a note
 * has few spans, mostly found in order, and Array.prototype.sort allocates a work copy on every call.
 */
function sortSpans(spans: Span[]): void {
  for (let i = 1; i < spans.length; i++) {
    const span = spans[i] as Span;
    let j = i - 1;
    while (j >= 0 && spanBefore(span, spans[j] as Span)) {
      spans[j + 1] = spans[j] as Span;
      j--;
    }
    spans[j + 1] = span;
  }
}

/** Words that start a flat's number ("Flat 2", "Apt 4B"). */
const FLAT_WORDS = "Flat|FLAT|Apartment|Apt|Unit";
/** Words that end the name of a building ("Ashcroft House", "Cavendish Point"). */
const BUILDING_HEADS = "House|Court|Point|Lodge|Mansions|Tower|Heights|Building|Block|Hall";
/**
 * Before an address found: a flat's number ("Flat 2, 58 Victoria St") and a building's name ("Flat 4B, Cavendish
 * Point, 19 Mill St"), read on the 60 characters before it.
 */
const ADDRESS_LEAD = new RegExp(
  `(?:^|[\\s(,;:])((?:(?:${FLAT_WORDS}|Room)\\.?[ ]{1,2}(?:\\d{1,4}[A-Za-z]?|[A-Z](?![\\p{L}\\p{N}])),?[ ]{1,3})?(?:(?:\\p{Lu}[\\p{Ll}'’-]{1,20}[ ]){1,3}(?:${BUILDING_HEADS}),?[ ]{1,3})?)$`,
  "u",
);
/**
 * After an address found: its town when a postcode follows, after a district perhaps, in capitals too ("14 Brook
 * Terrace, Hulme, M15 5BL", "9 Elm Rd, Walworth, London SE17 1AA", "3 MILL ST, KEMPSTON MK42 8BP").
 */
const ADDRESS_TOWN = new RegExp(
  `^(?:,?[ ]{1,2}\\p{Lu}(?:[\\p{Ll}'’-]{2,20}|[\\p{Lu}'’-]{2,20})(?:[ -]\\p{Lu}(?:[\\p{Ll}'’-]{2,20}|[\\p{Lu}'’-]{2,20}))?){1,2}(?=,?[ ]{1,2}${POSTCODE_BODY}\\b)`,
  "u",
);
/** A comma and a capitalised word or three after an address: a town when the gazetteer's TOWNS holds it. */
const COMMA_TOWN =
  /^,[ ]{1,2}\p{Lu}(?:[\p{Ll}'’]{2,20}|[\p{Lu}'’]{2,20})(?:[ -](?:upon|on|under|in|le|de|super|by|the|UPON|ON|UNDER|IN|LE|DE|SUPER|BY|THE|\p{Lu}(?:[\p{Ll}'’]{1,20}|[\p{Lu}'’]{1,20}))){0,3}/u;

/** A space and a capital: another word of a name after a town. */
const CAPITAL_WORD_AT = /^ [A-Z]/;

/**
 * The town after an address, written with no postcode ("60 Mill Road, Cheltenham", "2 Quay Row, Whitley Bay"): the
 * length of the longest run of COMMA_TOWN's words that TOWNS holds, or 0.
 */
function townAfter(after: string): number {
  const m = COMMA_TOWN.exec(after);
  if (m === null) return 0;
  const { TOWNS } = gazetteer();
  for (let end = m[0].length; end > 0; end = m[0].lastIndexOf(" ", end - 1)) {
    // Not the first words of a hospital's or a university's name ("12 Mill Road, Bracknell Royal Infirmary").
    if (CAPITAL_WORD_AT.test(after.slice(end, end + 3))) continue;
    if (TOWNS.has(keyOf(m[0].slice(0, end)))) return end;
  }
  return 0;
}

/** The words one of which every lead of ADDRESS_LEAD holds. */
const LEAD_WORD = new RegExp(`${FLAT_WORDS}|Room|${BUILDING_HEADS}`);
/**
 * A flat, a room or a unit in a named building, estate or park, with no street: "Flat 21, Ashcroft House", "Room 12,
 * Kilnsey Hall", "Unit 7, Quarrybank Industrial Estate".
 */
const FLAT_IN_BUILDING = new RegExp(
  `\\b(?:${FLAT_WORDS}|Room)\\.?[ ]{1,2}(?:\\d{1,4}[A-Za-z]?|[A-Z](?![\\p{L}\\p{N}])),?[ ]{1,3}(?:\\p{Lu}[\\p{Ll}'’-]{1,20}[ ]){1,3}(?:${BUILDING_HEADS}|Estate|Chambers)\\b`,
  "gu",
);

/** Addresses take the flat, the building and the town written with them. */
function withAddressParts(text: string, spans: Span[]): void {
  findRegex(text, FLAT_IN_BUILDING, "ADDRESS", spans);
  for (const span of spans) {
    if (span.entity !== "ADDRESS") continue;
    // A lead holds one of its words; a town follows a comma or a space.
    const before = text.slice(Math.max(0, span.start - 60), span.start);
    if (LEAD_WORD.test(before)) {
      const lead = ADDRESS_LEAD.exec(before);
      if (lead !== null && (lead[1] as string).length > 0) span.start -= (lead[1] as string).length;
    }
    const next = text.charCodeAt(span.end);
    if (next !== 44 && next !== 32) continue;
    const after = text.slice(span.end, span.end + 60);
    const town = ADDRESS_TOWN.exec(after);
    span.end += town !== null ? town[0].length : townAfter(after);
  }
}

/** Initials right before a name, each with its full stop ("J. DELA PAZ", "J.K. Rowntree"), read on 12 characters. */
const INITIALS_BEFORE = /(?:^|[\s(,;:])((?:\p{Lu}\.[ ]?){1,3})[ ]{0,2}$/u;
/**
 * One capital right after a name, as the initial of a family name ("Hannah B RN", "Olly A CNS", "Aleksandra W.
 * Pharmacist"): a letter on its own (or with its full stop), before the end, a punctuation mark or a word with a
 * capital; never "I", nor "A" before a word in small letters (an article).
 */
const INITIAL_AFTER =
  /^[ ]{1,2}(?:[A-HJ-Z]|\p{Lu}(?<!\p{ASCII}))(?:\.(?=[ ]{0,2}(?:$|[,;:)\n]|\p{Lu}))|(?=[ ]{1,2}\p{Lu}|[ ]{0,2}(?:$|[,;:)\n])))/u;

/** The word before a lone initial that makes it one: a title or a staff role ("Dr J. Smith", "RN J. DELA PAZ"). */
const WORD_BEFORE = /(?:^|[\s(])([A-Za-z]{2,9})\.?[ ]{1,2}$/;

/**
 * Initials at `start` lead the name after them: two or more ("J.K."), or one after a title, a staff role, a line's
 * start or a bracket, comma or colon, and none inside something already found. A lone capital and a full stop is
 * as often a sentence's end ("NI number QQ 12 34 56 C. Jane rang", "vitamin D. Jane rang").
 */
function initialsLead(text: string, start: number, initials: string, spans: readonly Span[]): boolean {
  for (const s of spans) if (s.start <= start && start < s.end) return false;
  if ((initials.match(/\./g)?.length ?? 0) >= 2) return true;
  let k = start - 1;
  while (k >= 0 && text.charCodeAt(k) === 32) k--;
  if (k < 0 || "\n(,;:".includes(text.charAt(k))) return true;
  const word = WORD_BEFORE.exec(text.slice(Math.max(0, start - 12), start))?.[1];
  if (word === undefined) return false;
  const key = keyOf(word);
  return TITLES.has(key) || STAFF_ROLES.has(key);
}

/**
 * A word the structural detectors above took as someone's name or initials (a signature, a speaker, a name beside a
 * role) is that person wherever else the note writes it the same way: "Nneka: …" then "Morning Nneka!". A given name
 * must pass givenSigns and initials staffInitials; whole words only, as written (the person-name detector carries its
 * own names over itself).
 */
const NAME_OR_INITIALS = /^\p{Lu}(?:\p{Ll}+|[A-Z]{1,2})$/u;

function sameStructuralNameElsewhere(text: string, spans: Span[], from: number, to: number): void {
  const seen = new Set<string>();
  for (let k = from; k < to; k++) {
    const span = spans[k] as Span;
    if (span.entity !== "NAME" || span.replacement !== undefined) continue;
    const word = text.slice(span.start, span.end);
    if (seen.has(word) || word.length < 2 || !NAME_OR_INITIALS.test(word)) continue;
    seen.add(word);
    const initials = word.length <= 3 && word === word.toUpperCase();
    // A given name that is also a common English word is not carried ("Will ST2" signs; "Will repeat" is a verb).
    if (initials ? !staffInitials(word) : !givenSigns(word) || commonWord(word)) continue;
    carryOver(text, word, spans);
  }
}

/** One of the commoner English words (SCOWL level 35 or below). */
function commonWord(word: string): boolean {
  return (gazetteer().WORD_LEVEL.get(keyOf(word)) ?? 99) <= 35;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** A letter or a digit at `i` (false outside the text). */
function isWordCharAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && WORD_CHAR.test(text.charAt(i));
}

/** Every other place the note writes `word`, as a whole word and as written, becomes a span like the first. */
function carryOver(
  text: string,
  word: string,
  spans: Span[],
  replacement: string | undefined = undefined,
): void {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    const end = at + word.length;
    if (isWordCharAt(text, at - 1) || isWordCharAt(text, end)) continue;
    if (!spans.some((s) => s.start <= at && end <= s.end))
      spans.push({ start: at, end, entity: "NAME", replacement });
  }
}

/** Initials right after a name, perhaps after a role: "Ngaire Tuhoe RN (NT)", "Ifan Kamau / IK". */
const LETTERS_AFTER_NAME =
  /(?:[ ]{1,2}[A-Z][A-Za-z]{1,4})?(?:[ ]{0,2}\([ ]?|[ ]{1,2}[/=–—-][ ]{1,2}|,[ ]{1,2})(?<letters>[A-Z]{2,3})(?![\p{L}\p{N}]|[ ]?[\d:])/uy;
/** Initials right before a name: "PQ (Perpetua Quill, …)", "TQ = Teodora Quill", "IK / Ifan Kamau". */
const LETTERS_BEFORE_NAME =
  /(?<![\p{L}\p{N}])(?<letters>[A-Z]{2,3})(?:[ ]{0,2}\([ ]?|[ ]{1,2}[/=–—-][ ]{1,2}|[ ]?[:=][ ]{1,2})$/u;

/** The first letters of a name's words, in capitals ("Mary-Jo Quill" → "MQ", "Ngaire Tuhoe" → "NT"); "" if none. */
function initialsOf(name: string): string {
  let out = "";
  for (const word of name.split(SPACES)) if (word.length > 0) out += word.charAt(0).toUpperCase();
  return LETTERS_ONLY.test(out) ? out : "";
}

const SPACES = /[ ]+/;
const LETTERS_ONLY = /^\p{L}+$/u;

/**
 * Letters that are a name's initials: both words' of a name of two ("RN" beside "Rhoswen Nant", whatever else the
 * letters spell), or every word's or the first and last word's when they could be no one else's (staffInitials:
 * "NOK" stays).
 */
function initialsMatch(letters: string, initials: string): boolean {
  const upper = letters.toUpperCase();
  if (upper === initials && upper.length === 2) return true;
  return (
    (upper === initials || upper === `${initials.charAt(0)}${initials.charAt(initials.length - 1)}`) &&
    staffInitials(upper)
  );
}

/** Two capitals in a row and a bracket, a slash, an equals sign, a dash, a colon or a comma in [from, to). */
function initialsShape(text: string, from: number, to: number): boolean {
  let capitals = 0;
  let pair = false;
  let separator = false;
  for (let i = Math.max(0, from); i < to && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      if (++capitals === 2) pair = true;
      continue;
    }
    capitals = 0;
    if (c === 40 || c === 47 || c === 61 || c === 44 || c === 45 || c === 58 || c === 0x2013 || c === 0x2014)
      separator = true;
  }
  return pair && separator;
}

/**
 * Letters beside a name that are its initials are that person, and so is every other place the note writes them:
 * a key to a log's initials ("TQ = Teodora Quill"), a signature spelled out ("– PQ (Perpetua Quill)", "Ngaire Tuhoe
 * RN (NT)"). The letters, in capitals, must be the initials of a name of two words or more (initialsMatch). They
 * are carried over to the note's other places only when they are no abbreviation or English word ("DA", "SO").
 */
function initialsOfNames(text: string, spans: Span[]): void {
  let found: Array<{ start: number; letters: string }> | undefined;
  for (const span of spans) {
    if (span.entity !== "NAME") continue;
    // Most names have no initials beside them: only a window holding two capitals, a slash or a bracket is read.
    const afterShape = initialsShape(text, span.end, span.end + 14);
    const beforeShape = initialsShape(text, span.start - 8, span.start);
    if (!afterShape && !beforeShape) continue;
    const initials = initialsOf(text.slice(span.start, span.end));
    if (initials.length < 2) continue;
    if (afterShape) {
      LETTERS_AFTER_NAME.lastIndex = span.end;
      const after = LETTERS_AFTER_NAME.exec(text);
      const letters = after?.groups?.["letters"];
      if (after && letters !== undefined && initialsMatch(letters, initials)) {
        found ??= [];
        found.push({ start: span.end + after[0].length - letters.length, letters });
      }
    }
    if (beforeShape) {
      const before = LETTERS_BEFORE_NAME.exec(text.slice(Math.max(0, span.start - 8), span.start));
      const letters = before?.groups?.["letters"];
      if (before && letters !== undefined && initialsMatch(letters, initials)) {
        found ??= [];
        found.push({ start: span.start - before[0].length, letters });
      }
    }
  }
  if (found === undefined) return;
  const carried = new Set<string>();
  for (const { start, letters } of found) {
    spans.push({ start, end: start + letters.length, entity: "NAME", replacement: undefined });
    if (carried.has(letters) || !staffInitials(letters)) continue;
    carried.add(letters);
    carryOver(text, letters, spans);
  }
}

/**
 * Names of other people take the initials written beside them: a name found without its initial would leave the
 * initial, which narrows who it was.
 */
function withInitials(text: string, spans: Span[]): void {
  for (const span of spans) {
    if (span.entity !== "NAME" || span.replacement !== undefined) continue;
    // "R.T. Hollinshead": initials written together are one; a name found from the last of them takes them all.
    while (
      span.start >= 2 &&
      text.charCodeAt(span.start - 1) === 46 &&
      isCapitalAt(text, span.start - 2) &&
      !isLetterAt(text, span.start - 3)
    )
      span.start -= 2;
    // The patterns are tried only where they can match: a full stop at most three spaces before the name, a space
    // and a capital (or a letter beyond ASCII) after it.
    let k = span.start - 1;
    while (k >= 0 && k >= span.start - 3 && text.charCodeAt(k) === 32) k--;
    if (text.charCodeAt(k) === 46) {
      const before = INITIALS_BEFORE.exec(text.slice(Math.max(0, span.start - 12), span.start));
      if (before !== null) {
        const start = span.start - (before[0].length - before[0].indexOf(before[1] as string));
        if (initialsLead(text, start, before[1] as string, spans)) span.start = start;
      }
    }
    if (lowerCaseInitials(text, span) || text.charCodeAt(span.end) !== 32) continue;
    const next = text.charCodeAt(text.charCodeAt(span.end + 1) === 32 ? span.end + 2 : span.end + 1);
    if (!((next >= 65 && next <= 90) || next >= 128)) continue;
    // In capitals a letter after a name may as well be a word ("MARY A NEW PLAN"): not taken.
    if (sameInCase(text, span.start, span.end, "upper")) continue;
    const after = INITIAL_AFTER.exec(text.slice(span.end, span.end + 8));
    if (after !== null) span.end += after[0].length;
  }
}

/** A title in small letters, a letter and a space right before a name: "dr s ", "mr j ". */
const LOWER_TITLE_INITIAL = /(?:^|[\s(,;:])(?:dr|mr|mrs|ms|miss|prof)\.?[ ](\p{Ll})[ ]$/u;
/**
 * One letter after a name in small letters, before a space, a mark or the end ("ysolde t PT"); not a letter that
 * terse notes write for a word: "a", "i", "o", "w" and "c" (with), "x" (times), "s" (without), "r" and "l" (right,
 * left), "y" (years), "m" and "f" (sex), "u" (you), "n", "d", "h", "b", "e", "p", "v", "q" (abbreviations such as
 * "p.m.", "n.b.", "d 3"), nor a letter before a full stop and another letter.
 */
const LOWER_INITIAL_AFTER = /^[ ](?![aiowcxsrlymfundhbepvq](?:[ ,;:.)]|$))\p{Ll}(?=[ ,;:)]|\.(?!\p{L})|$)/u;

/**
 * A name written in small letters takes a lone small letter beside it as its initial: after a title ("dr q
 * brennock"), or after the name ("ysolde t"). True when the name is in small letters (the patterns
 * for capitals then have nothing to take).
 */
function lowerCaseInitials(text: string, span: Span): boolean {
  if (!sameInCase(text, span.start, span.end, "lower")) return false;
  const before = LOWER_TITLE_INITIAL.exec(text.slice(Math.max(0, span.start - 8), span.start));
  if (before !== null) span.start -= 2;
  const after = LOWER_INITIAL_AFTER.exec(text.slice(span.end, span.end + 4));
  if (after !== null) span.end += after[0].length;
  return true;
}

/**
 * `text.slice(start, end)` is the same in small letters (`"lower"`) or in capitals (`"upper"`), without making the
 * slice and its other case for the ASCII letters of most names: only a letter beyond ASCII makes them.
 */
function sameInCase(text: string, start: number, end: number, to: "lower" | "upper"): boolean {
  // An ASCII letter the case would change: A-Z in small letters, a-z in capitals.
  const from = to === "lower" ? 65 : 97;
  const through = from + 25;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= from && c <= through) return false;
    if (c >= 128) {
      const part = text.slice(start, end);
      return part === (to === "lower" ? part.toLowerCase() : part.toUpperCase());
    }
  }
  return true;
}

function mergeAndReplace(text: string, spans: Span[], counts: Record<string, number>): string {
  if (spans.length === 0) return text;
  sortSpans(spans);
  let out = "";
  let cursor = 0;
  // The span being merged: the first (longest, highest priority) of a run of overlapping spans labels it, and its
  // end grows to cover them all, so no fragment of any survives.
  let first = spans[0] as Span;
  let end = first.end;
  for (let k = 1; k <= spans.length; k++) {
    const span = spans[k];
    if (span !== undefined && span.start < end) {
      if (span.end > end) end = span.end;
      continue;
    }
    out += text.slice(cursor, first.start) + (first.replacement ?? placeholder(first.entity));
    cursor = end;
    counts[first.entity] = (counts[first.entity] ?? 0) + 1;
    if (span === undefined) break;
    first = span;
    end = span.end;
  }
  return out + text.slice(cursor);
}

/** Loads the person-name detector's word lists now (at a process's start) instead of on the first note. */
export function prepareScrubber(): void {
  useGazetteer();
}

/**
 * Scrubs identifiers out of `text` (the caller has already capped its length). `counts` is incremented per
 * entity type for the audit trail; values are never recorded.
 */
export function scrubText(
  text: string,
  own: readonly OwnIdentifier[],
  options: ScrubOptions,
  counts: Record<string, number>,
): string {
  const spans: Span[] = [];
  findNhsNumbers(text, options, spans);
  findEmails(text, spans);
  if (own.length > 0) {
    findOwn(text, own, spans);
    if (spans.length > 0 && text.includes("(")) ownCalledNames(text, spans, 0);
  }
  findRegex(text, PATTERNS.NI_NUMBER, "NI_NUMBER", spans);
  findRegex(text, PATTERNS.POSTCODE, "POSTCODE", spans);
  findRegex(text, PATTERNS.DATE, "DATE", spans);
  findDatesAfterWords(text, spans);
  findDayMonths(text, spans);
  withDayRanges(text, spans);
  findPhones(text, own, spans);
  if (STREET_TYPE_AFTER_SPACE.test(text)) {
    findRegex(text, PATTERNS.STREET, "ADDRESS", spans);
    findRegex(text, PATTERNS.STREET_NUMBERED, "ADDRESS", spans);
    findRegex(text, PATTERNS.STREET_ANY_CASE, "ADDRESS", spans);
    findRegex(text, PATTERNS.STREET_UPPER, "ADDRESS", spans);
  }
  findStreetsAfterCue(text, spans);
  findInstitutions(text, spans);
  findTitledNames(text, spans);
  const structural = spans.length;
  findSignOff(text, spans);
  if (text.includes("→") || text.includes("->")) findHandovers(text, spans);
  if (spans.length > structural) sameStructuralNameElsewhere(text, spans, structural, spans.length);
  // After the carrying over: letters these forms take for initials are not looked for elsewhere in the note.
  findSlashOrDatedInitials(text, spans);
  findKeeperInitials(text, spans);
  if (text.includes(".")) findDottedInitials(text, spans);
  if (options.personNames !== false) {
    for (const name of findPersonNames(text))
      spans.push({ start: name.start, end: name.end, entity: "NAME", replacement: undefined });
  }
  findReferences(text, spans);
  findSiteNumbers(text, spans);
  findRegex(text, PATTERNS.ID_NUMBER, "ID_NUMBER", spans);
  findRegex(text, PATTERNS.PRISON_NUMBER, "ID_NUMBER", spans);
  findReferenceCodes(text, spans);
  findSlashReferences(text, spans);
  findFourFigureIds(text, spans);
  findKeySafeCodes(text, spans);
  findOfficerNumbers(text, spans);
  findCollarNumbers(text, spans);
  withAddressParts(text, spans);
  initialsOfNames(text, spans);
  withInitials(text, spans);
  return mergeAndReplace(text, spans, counts);
}
