import type { Faker } from "@faker-js/faker";
import { nhsCheckDigit } from "../../anonymise/index.ts";

/**
 * Synthetic identifiers that are valid in form but cannot belong to anyone: NHS numbers from the 999 test range,
 * Ofcom's drama phone ranges, example.com e-mail, the QQ prefix NI numbers are not issued with.
 */

export function syntheticNhsNumber(faker: Faker): string {
  for (;;) {
    const firstNine = `999${faker.string.numeric(6)}`;
    const check = nhsCheckDigit(firstNine);
    if (check !== null) return `${firstNine}${check}`;
  }
}

/** Ofcom drama numbers: 07700 900xxx, 020 7946 0xxx, 0161 496 0xxx, 0113 496 0xxx, 01632 960xxx. */
export function syntheticPhone(faker: Faker): string {
  const n3 = faker.string.numeric(3);
  return faker.helpers.arrayElement([
    `07700 900${n3}`,
    `07700 900${n3}`,
    `020 7946 0${n3}`,
    `0161 496 0${n3}`,
    `0113 496 0${n3}`,
    `01632 960${n3}`,
  ]);
}

/** Real outward codes of varied shapes (A9, A99, AA9, AA99, A9A, AA9A) with a random inward code. */
const OUTWARD = [
  "M1",
  "B33",
  "L1",
  "LS1",
  "CR2",
  "DN55",
  "W1A",
  "SW1A",
  "EC1A",
  "NE1",
  "BS8",
  "CB2",
  "OX1",
  "G1",
  "CF10",
  "BT1",
  "EH1",
  "NW3",
];
const INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

export function syntheticPostcode(faker: Faker): string {
  const letters = faker.string.fromCharacters(INWARD_LETTERS, 2);
  return `${faker.helpers.arrayElement(OUTWARD)} ${faker.number.int({ min: 0, max: 9 })}${letters}`;
}

export function syntheticNiNumber(faker: Faker): string {
  return `QQ ${faker.string.numeric(2)} ${faker.string.numeric(2)} ${faker.string.numeric(2)} ${faker.helpers.arrayElement(["A", "B", "C", "D"])}`;
}

export function syntheticPatientId(faker: Faker): string {
  return `${faker.helpers.arrayElement(["RX1", "RTH", "RJ1", "R0A"])}${faker.string.numeric(7)}`;
}

export function syntheticGpPracticeCode(faker: Faker): string {
  return `${faker.string.fromCharacters("ABCDEFGHJKLMNPY")}${faker.string.numeric(5)}`;
}
