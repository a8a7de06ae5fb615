import type { Operator } from "./types.ts";

/** Drops the field from the output. */

export const suppress: Operator<null> = {
  name: "suppress",
  params: [],
  validate: () => null,
  outputType: () => null,
  keyed: () => false,
  operate: () => undefined,
};
