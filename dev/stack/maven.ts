import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StackError } from "./errors.ts";
import { run } from "./processes.ts";
import { STACK_VERSIONS } from "./versions.ts";

/** Deadlines of each download: connecting, and the longest silence while reading (Maven's default is 30 min). */
const MAVEN_DEADLINES = [
  "-Daether.connector.connectTimeout=15000",
  "-Daether.connector.requestTimeout=60000",
];

export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
}

export async function requireMaven(): Promise<void> {
  try {
    await run("mvn", ["-v"], { what: "mvn -v" });
  } catch {
    throw new StackError(
      "STACK_MAVEN_MISSING",
      "`mvn` is not available: Maven fetches the Kafka and registry artifacts (Debian: apt-get install maven), " +
        "or point the tests at running servers with KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL and DATABASE_URL.",
    );
  }
}

/** Classpaths being fetched by this process, by target folder: concurrent callers share one fetch. */
const fetching = new Map<string, Promise<void>>();

/**
 * Copies the runtime classpath of `artifacts` into `target` (once). A tiny pom and the dependency plugin's
 * copy-dependencies give a clean, cacheable folder of jars; the folder appears only when complete. Callers in one
 * process share one fetch; another process fetching the same classpath works in a folder of its own, and whichever
 * finishes first provides the folder (a complete one is never replaced, as it may be in use).
 */
export function fetchClasspath(target: string, artifacts: MavenArtifact[]): Promise<void> {
  if (existsSync(join(target, ".complete"))) return Promise.resolve();
  let pending = fetching.get(target);
  if (pending === undefined) {
    pending = fetchClasspathOnce(target, artifacts).finally(() => fetching.delete(target));
    fetching.set(target, pending);
  }
  return pending;
}

async function fetchClasspathOnce(target: string, artifacts: MavenArtifact[]): Promise<void> {
  await requireMaven();
  const work = `${target}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
  mkdirSync(work, { recursive: true });
  try {
    const deps = artifacts
      .map(
        (a) =>
          `<dependency><groupId>${a.groupId}</groupId><artifactId>${a.artifactId}</artifactId><version>${a.version}</version></dependency>`,
      )
      .join("\n    ");
    writeFileSync(
      join(work, "pom.xml"),
      `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.stack</groupId><artifactId>classpath</artifactId><version>1</version>
  <dependencies>
    ${deps}
  </dependencies>
</project>
`,
    );
    await dependencyPlugin(
      "copy-dependencies",
      ["-DincludeScope=runtime", "-DoutputDirectory=libs"],
      work,
      `mvn copy-dependencies for ${artifacts.map((a) => a.artifactId).join(", ")}`,
      "fetching jars failed (is the Maven repository reachable?)",
    );
    if (!existsSync(join(work, "libs")) || readdirSync(join(work, "libs")).length === 0) {
      throw new StackError("STACK_DOWNLOAD_FAILED", `no jars were copied into ${work}/libs`);
    }
    writeFileSync(join(work, ".complete"), new Date().toISOString());
    try {
      renameSync(work, target);
    } catch {
      // Another process's complete folder is there: it stands.
      if (existsSync(join(target, ".complete"))) return;
      // A folder without the mark (a fetch interrupted before the mark existed): replaced.
      rmSync(target, { recursive: true, force: true });
      renameSync(work, target);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Fetches one artifact file (e.g. a tar.gz distribution) into `target` and returns its path. */
export async function fetchArtifact(target: string, coordinates: string, fileName: string): Promise<string> {
  const file = join(target, fileName);
  if (existsSync(file)) return file;
  await requireMaven();
  mkdirSync(target, { recursive: true });
  await dependencyPlugin(
    "copy",
    [`-Dartifact=${coordinates}`, `-DoutputDirectory=${target}`],
    target,
    `mvn copy ${coordinates}`,
    `fetching ${coordinates} failed`,
  );
  if (!existsSync(file)) throw new StackError("STACK_DOWNLOAD_FAILED", `${file} missing after download`);
  return file;
}

/** Runs a goal of Maven's dependency plugin in `cwd`; a failure is STACK_DOWNLOAD_FAILED with `failure` as message. */
async function dependencyPlugin(
  goal: string,
  args: string[],
  cwd: string,
  what: string,
  failure: string,
): Promise<void> {
  try {
    await run(
      "mvn",
      [
        "-q",
        "-B",
        ...MAVEN_DEADLINES,
        `org.apache.maven.plugins:maven-dependency-plugin:${STACK_VERSIONS.mavenDependencyPlugin}:${goal}`,
        ...args,
      ],
      { cwd, what },
    );
  } catch (error) {
    throw new StackError("STACK_DOWNLOAD_FAILED", failure, { cause: error });
  }
}
