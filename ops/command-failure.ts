import { CodedError } from "../contracts/index.ts";

/**
 * How a command ends on failure: one line on stderr, exit code 1. Our errors print their coded message (built from
 * codes, names and settings); any other error is reduced to its class and code, since a library's message may quote
 * the values it was given.
 */
export function failCommand(command: string, error: unknown): never {
  let message: string;
  if (error instanceof CodedError) {
    message = error.message.startsWith(`${error.code}:`) ? error.message : `${error.code}: ${error.message}`;
  } else {
    const e = error as { name?: unknown; code?: unknown } | null;
    const name = typeof e?.name === "string" ? e.name : typeof error;
    message = `unexpected ${name}${typeof e?.code === "string" ? ` (${e.code})` : ""}`;
  }
  console.error(`${command} failed: ${message}`);
  process.exit(1);
}
