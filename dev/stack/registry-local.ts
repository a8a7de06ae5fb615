import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findJava } from "./java.ts";
import { fetchArtifact } from "./maven.ts";
import { isAlive, run, type StartedProcess, startDetached, waitUntil } from "./processes.ts";
import { STACK_VERSIONS } from "./versions.ts";

export async function fetchApicurio(cache: string): Promise<string> {
  const dir = join(cache, `apicurio-registry-${STACK_VERSIONS.apicurio}`);
  const runJar = join(dir, "quarkus-run.jar");
  if (existsSync(runJar)) return dir;
  const archive = await fetchArtifact(
    join(cache, "downloads"),
    `io.apicurio:apicurio-registry-app:${STACK_VERSIONS.apicurio}:tar.gz:all`,
    `apicurio-registry-app-${STACK_VERSIONS.apicurio}-all.tar.gz`,
  );
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await run("tar", ["-xzf", archive, "-C", partial], { what: "unpack Apicurio Registry" });
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

/** The Confluent-compatible API answers with a JSON list of subjects once the registry is up. */
export async function registryAnswers(url: string): Promise<boolean> {
  const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
  return response.ok && Array.isArray(await response.json());
}

export async function startLocalRegistry(options: {
  cache: string;
  state: string;
  port: number;
  managementPort: number;
  heapMb: number;
  /** Called as soon as the process exists, so a failed start can still be cleaned up. */
  onSpawn?: (proc: StartedProcess) => void;
}): Promise<StartedProcess & { url: string }> {
  const java = await findJava(21);
  const appDir = await fetchApicurio(options.cache);
  const home = join(options.state, "registry");
  mkdirSync(home, { recursive: true });
  const logFile = join(home, "registry.log");
  const marker = `-Dstack.home=${home}`;
  const proc = startDetached(
    java,
    [
      `-Xmx${options.heapMb}m`,
      "-XX:+UseSerialGC",
      marker,
      `-Dquarkus.http.port=${options.port}`,
      "-Dquarkus.http.host=127.0.0.1",
      `-Dquarkus.management.port=${options.managementPort}`,
      "-Dquarkus.management.host=127.0.0.1",
      // Confluent answers GET /config/{subject} with 404 when unset; Apicurio answers with its fallback level,
      // which makes @kafkajs/confluent-schema-registry's register() throw unless a global rule exists. The rule
      // also makes the registry enforce compatibility, as a Confluent registry does.
      "-Dapicurio.rules.global.compatibility=BACKWARD",
      "-Dquarkus.log.level=WARN",
      '-Dquarkus.log.category."io.apicurio".level=INFO',
      "-jar",
      join(appDir, "quarkus-run.jar"),
    ],
    { logFile, marker, cwd: home },
  );
  options.onSpawn?.(proc);
  const url = `http://127.0.0.1:${options.port}/apis/ccompat/v7`;
  await waitUntil("Apicurio Registry", () => registryAnswers(url), {
    timeoutMs: 120_000,
    logFile,
    alive: () => isAlive(proc.pid),
  });
  return { ...proc, url };
}
