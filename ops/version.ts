import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The pipeline version stamped on every anonymised record: the package version. */
export const PIPELINE_VERSION: string = (
  JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }
).version;
