import { join } from "node:path";
import { findJava } from "./java.ts";
import { fetchClasspath } from "./maven.ts";
import { STACK_VERSIONS } from "./versions.ts";

/**
 * Apache Kafka's own command-line tools (console consumer and friends) at the broker's version. In Kafka 4.x they live
 * in the `kafka-tools` artifact, which the broker's classpath does not include; they are fetched through the same
 * Maven mechanism into a folder of their own in the stack cache.
 */
export function kafkaToolsDir(cache: string): string {
  return join(cache, `kafka-tools-${STACK_VERSIONS.kafka}`);
}

/** The tools' classpath (a `dir/*` wildcard for `java -cp`) and a JDK to run them with. */
export async function kafkaTools(cache: string): Promise<{ java: string; classpath: string }> {
  const dir = kafkaToolsDir(cache);
  await fetchClasspath(dir, [
    { groupId: "org.apache.kafka", artifactId: "kafka-tools", version: STACK_VERSIONS.kafka },
    // The tools log through SLF4J 1 only; without a binding they print a warning on every start.
    { groupId: "org.slf4j", artifactId: "slf4j-nop", version: "1.7.36" },
  ]);
  return { java: await findJava(17), classpath: `${join(dir, "libs")}/*` };
}
