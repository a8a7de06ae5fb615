import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { StackError } from "./errors.ts";
import { run } from "./processes.ts";

async function majorVersion(javaBin: string): Promise<number | undefined> {
  try {
    const out = await run(javaBin, ["-version"], { what: `${javaBin} -version` });
    const match = /version "(\d+)(?:\.(\d+))?/.exec(out);
    if (!match) return undefined;
    const first = Number(match[1]);
    return first === 1 ? Number(match[2]) : first;
  } catch {
    return undefined;
  }
}

/**
 * A `java` binary of at least `minMajor`: STACK_JAVA_HOME, then JAVA_HOME, then the newest JDK under
 * /usr/lib/jvm, then `java` on PATH. Kafka 4 needs 17+; Apicurio Registry 3.3 is built for 21+.
 */
export async function findJava(minMajor: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates: string[] = [];
  for (const home of [env["STACK_JAVA_HOME"], env["JAVA_HOME"]])
    if (home) candidates.push(join(home, "bin", "java"));
  const jvmRoot = "/usr/lib/jvm";
  if (existsSync(jvmRoot)) {
    for (const entry of readdirSync(jvmRoot)) {
      const bin = join(jvmRoot, entry, "bin", "java");
      if (existsSync(bin)) candidates.push(bin);
    }
  }
  candidates.push("java");
  let best: { bin: string; major: number } | undefined;
  const seen: string[] = [];
  for (const bin of candidates) {
    const major = await majorVersion(bin);
    if (major === undefined) continue;
    seen.push(`${bin} (${major})`);
    if (major >= minMajor && (!best || major > best.major)) best = { bin, major };
  }
  if (!best) {
    throw new StackError(
      "STACK_JAVA_MISSING",
      `a Java ${minMajor}+ runtime is needed to run the local stack; found ${seen.length ? seen.join(", ") : "none"}. ` +
        "Install one (or set STACK_JAVA_HOME), or point the tests at running servers with KAFKA_BOOTSTRAP_SERVERS, " +
        "SCHEMA_REGISTRY_URL and DATABASE_URL.",
    );
  }
  return best.bin;
}
