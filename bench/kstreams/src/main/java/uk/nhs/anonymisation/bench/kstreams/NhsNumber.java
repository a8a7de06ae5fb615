package uk.nhs.anonymisation.bench.kstreams;

import java.util.regex.Pattern;

/** Port of anonymise/nhs-number.ts: 10 digits, the last a modulus-11 check digit. */
final class NhsNumber {
  private NhsNumber() {}

  private static final Pattern SEPARATORS = Js.regex("[\\s-]", "g");
  private static final Pattern TEN_DIGITS = Js.regex("^\\d{10}$");

  /** Spaces and dashes removed; null unless that leaves ten digits. */
  static String normalise(String raw) {
    String compact = Js.replaceAll(raw, SEPARATORS, "");
    return Js.test(TEN_DIGITS, compact) ? compact : null;
  }

  static boolean isValid(String digits) {
    if (!Js.test(TEN_DIGITS, digits)) return false;
    int sum = 0;
    for (int i = 0; i < 9; i++) sum += (digits.charAt(i) - 48) * (10 - i);
    int check = 11 - (sum % 11);
    if (check == 11) check = 0;
    if (check == 10) return false;
    return check == digits.charAt(9) - 48;
  }
}
