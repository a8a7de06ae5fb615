/**
 * The local images for machines that reach no image registry (docs/deployment.md, "Containers on a machine without
 * Docker"). `npm run containers:setup` runs `build`; `env` prints the variables that select these images instead
 * of the official ones (the Dockerfile's BASE_IMAGE, and KAFKA_IMAGE, REGISTRY_IMAGE, POSTGRES_IMAGE,
 * PROMETHEUS_IMAGE for compose and Testcontainers).
 *
 * Sources: Debian minbase roots made with mmdebstrap and imported with `podman import`; Debian packages installed
 * inside the builds (OpenJDK 21, PostgreSQL, Prometheus); the node binary of the npm `node` package this project
 * pins; npm from its npm package; Kafka jars and the Apicurio Registry distribution from the Maven artefacts the
 * local stack already resolves and caches (dev/stack/). An image is rebuilt only when its recipe changed: each
 * carries the hash of its definition, inputs and base in a label.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { StackError } from "../stack/errors.ts";
import { fetchKafka } from "../stack/kafka-local.ts";
import { fetchArtifact } from "../stack/maven.ts";
import { cacheDir, PROJECT_ROOT } from "../stack/paths.ts";
import { run } from "../stack/processes.ts";
import { fetchApicurio } from "../stack/registry-local.ts";
import { STACK_VERSIONS } from "../stack/versions.ts";

const NODE_VERSION = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules/node/package.json"), "utf8")) as {
    version: string;
  }
).version;
/** npm for the Dockerfile's `npm ci` inside the local Node base (the official image bundles its own). */
const NPM_VERSION = "11.19.1";
const RECIPE_LABEL = "nhs-anonymiser.recipe";
/** The host's CA bundle, for npm inside builds on the local Node base (see its Containerfile). */
const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const DEFINITIONS = join(PROJECT_ROOT, "dev/containers/images");

export const LOCAL_IMAGES = Object.freeze({
  debianBookworm: "localhost/nhs-anonymiser/debian:bookworm",
  debianTrixie: "localhost/nhs-anonymiser/debian:trixie",
  node: `localhost/nhs-anonymiser/node:${NODE_VERSION}-bookworm`,
  jre: "localhost/nhs-anonymiser/jre:21-trixie",
  kafka: `localhost/nhs-anonymiser/kafka:${STACK_VERSIONS.kafka}`,
  registry: `localhost/nhs-anonymiser/apicurio-registry:${STACK_VERSIONS.apicurio}`,
  postgres: "localhost/nhs-anonymiser/postgres:17",
  prometheus: "localhost/nhs-anonymiser/prometheus:2",
});

/** The variables that select the local images; unset, every file keeps its official default. */
export const LOCAL_IMAGE_ENV = Object.freeze({
  BASE_IMAGE: LOCAL_IMAGES.node,
  KAFKA_IMAGE: LOCAL_IMAGES.kafka,
  REGISTRY_IMAGE: LOCAL_IMAGES.registry,
  POSTGRES_IMAGE: LOCAL_IMAGES.postgres,
  PROMETHEUS_IMAGE: LOCAL_IMAGES.prometheus,
});

type ImageName = keyof typeof LOCAL_IMAGES;

interface Recipe {
  /** Images this one is built from (their ids enter the recipe hash). */
  bases: ImageName[];
  /** Strings that identify the inputs (versions), hashed with the definition files. */
  inputs: string[];
  build(recipeHash: string): Promise<void>;
}

const podman = (args: string[], what: string) =>
  run("podman", args, { what }).catch((error: unknown) => {
    throw new StackError("STACK_IMAGE_BUILD_FAILED", `${what} failed`, { cause: error });
  });

async function recipeOf(name: ImageName): Promise<string | undefined> {
  try {
    const out = await run(
      "podman",
      ["image", "inspect", "--format", `{{index .Labels "${RECIPE_LABEL}"}}`, LOCAL_IMAGES[name]],
      { what: `podman image inspect ${LOCAL_IMAGES[name]}` },
    );
    return out.trim();
  } catch {
    return undefined;
  }
}

async function imageId(name: ImageName): Promise<string> {
  return (
    await podman(["image", "inspect", "--format", "{{.Id}}", LOCAL_IMAGES[name]], "podman inspect")
  ).trim();
}

function filesHash(dir: string): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest("hex");
}

/** A fresh build context: the definition's files, plus `extra` hard-linked (same file system as the cache). */
async function stageContext(
  name: ImageName,
  definition: string,
  extra: Record<string, string>,
): Promise<string> {
  const context = join(cacheDir(), "image-contexts", name);
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  await run("cp", ["-a", `${join(DEFINITIONS, definition)}/.`, context], { what: "stage the definition" });
  for (const [target, source] of Object.entries(extra)) {
    await run("cp", ["-al", source, join(context, target)], { what: `stage ${source}` });
  }
  return context;
}

async function buildFromDefinition(
  name: ImageName,
  definition: string,
  recipeHash: string,
  options: { args?: Record<string, string>; extra?: Record<string, string> } = {},
): Promise<void> {
  const context = await stageContext(name, definition, options.extra ?? {});
  try {
    const args = Object.entries(options.args ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
    await podman(
      [
        "build",
        "--quiet",
        "--layers",
        "--file",
        join(context, "Containerfile"),
        "--label",
        `${RECIPE_LABEL}=${recipeHash}`,
        ...args,
        "--tag",
        LOCAL_IMAGES[name],
        context,
      ],
      `podman build ${LOCAL_IMAGES[name]}`,
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * Leaner roots, kept in every package installed later too: no translations, manuals' info pages or documentation
 * except the copyright files; no apt package lists.
 */
const ROOT_OPTIONS = [
  "--dpkgopt=path-exclude=/usr/share/locale/*",
  "--dpkgopt=path-exclude=/usr/share/info/*",
  "--dpkgopt=path-exclude=/usr/share/doc/*",
  "--dpkgopt=path-include=/usr/share/doc/*/copyright",
  "--customize-hook=rm -rf $1/var/lib/apt/lists/*",
];

/** A Debian minbase root file system made by mmdebstrap, imported as an image (no registry involved). */
function debianRoot(name: ImageName, suite: string): Recipe {
  return {
    bases: [],
    inputs: [suite, "minbase", ...ROOT_OPTIONS],
    async build(recipeHash) {
      const dir = join(cacheDir(), "image-contexts");
      mkdirSync(dir, { recursive: true });
      const tarball = join(dir, `debian-${suite}.tar`);
      try {
        await run("mmdebstrap", ["--variant=minbase", "--quiet", ...ROOT_OPTIONS, suite, tarball], {
          what: `mmdebstrap ${suite}`,
        }).catch((error: unknown) => {
          throw new StackError("STACK_IMAGE_BUILD_FAILED", `mmdebstrap ${suite} failed`, { cause: error });
        });
        await podman(
          [
            "import",
            "--quiet",
            "--change",
            `LABEL ${RECIPE_LABEL}=${recipeHash}`,
            tarball,
            LOCAL_IMAGES[name],
          ],
          `podman import ${LOCAL_IMAGES[name]}`,
        );
      } finally {
        rmSync(tarball, { force: true });
      }
    },
  };
}

/** An image that only installs Debian packages on the trixie root (its definition directory has the image's name). */
function debianPackages(name: ImageName): Recipe {
  return {
    bases: ["debianTrixie"],
    inputs: [],
    build: (recipeHash) =>
      buildFromDefinition(name, name, recipeHash, { args: { DEBIAN_IMAGE: LOCAL_IMAGES.debianTrixie } }),
  };
}

/** npm itself, as its registry package, unpacked once into the stack's cache. */
async function npmPackage(): Promise<string> {
  const downloads = join(cacheDir(), "downloads");
  const dir = join(downloads, `npm-${NPM_VERSION}`);
  if (existsSync(join(dir, "package.json"))) return dir;
  mkdirSync(downloads, { recursive: true });
  const out = await run("npm", ["pack", `npm@${NPM_VERSION}`, "--pack-destination", downloads, "--silent"], {
    what: `npm pack npm@${NPM_VERSION}`,
  });
  const tarball = join(downloads, out.trim().split("\n").at(-1)!);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", partial, "--strip-components=1"], { what: "unpack npm" });
  rmSync(tarball, { force: true });
  renameSync(partial, dir);
  return dir;
}

const RECIPES: Record<ImageName, Recipe> = {
  debianBookworm: debianRoot("debianBookworm", "bookworm"),
  debianTrixie: debianRoot("debianTrixie", "trixie"),
  node: {
    bases: ["debianBookworm"],
    inputs: [
      NODE_VERSION,
      NPM_VERSION,
      createHash("sha256").update(readFileSync(HOST_CA_BUNDLE)).digest("hex"),
    ],
    async build(recipeHash) {
      await buildFromDefinition("node", "node", recipeHash, {
        args: { DEBIAN_IMAGE: LOCAL_IMAGES.debianBookworm },
        extra: {
          node: join(PROJECT_ROOT, "node_modules/node/bin/node"),
          npm: await npmPackage(),
          "host-ca.crt": HOST_CA_BUNDLE,
        },
      });
    },
  },
  jre: debianPackages("jre"),
  kafka: {
    bases: ["jre"],
    inputs: [STACK_VERSIONS.kafka, STACK_VERSIONS.scala, STACK_VERSIONS.log4j],
    async build(recipeHash) {
      const cache = cacheDir();
      const libs = await fetchKafka(cache);
      // The health check's BrokerApiVersionsCommand lives in kafka-tools; its other classes are on the broker's path.
      const tools = await fetchArtifact(
        join(cache, "downloads"),
        `org.apache.kafka:kafka-tools:${STACK_VERSIONS.kafka}`,
        `kafka-tools-${STACK_VERSIONS.kafka}.jar`,
      );
      const context = { libs, "kafka-tools.jar": tools };
      await buildFromDefinition("kafka", "kafka", recipeHash, {
        args: { JRE_IMAGE: LOCAL_IMAGES.jre },
        extra: context,
      });
    },
  },
  registry: {
    bases: ["jre"],
    inputs: [STACK_VERSIONS.apicurio],
    async build(recipeHash) {
      await buildFromDefinition("registry", "registry", recipeHash, {
        args: { JRE_IMAGE: LOCAL_IMAGES.jre },
        extra: { app: await fetchApicurio(cacheDir()) },
      });
    },
  },
  postgres: debianPackages("postgres"),
  prometheus: debianPackages("prometheus"),
};

const DEFINITION_DIRS: Partial<Record<ImageName, string>> = {
  node: "node",
  jre: "jre",
  kafka: "kafka",
  registry: "registry",
  postgres: "postgres",
  prometheus: "prometheus",
};

async function recipeHash(name: ImageName): Promise<string> {
  const recipe = RECIPES[name];
  const hash = createHash("sha256").update(name).update(recipe.inputs.join("\n"));
  const dir = DEFINITION_DIRS[name];
  if (dir) hash.update(filesHash(join(DEFINITIONS, dir)));
  for (const base of recipe.bases) hash.update(await imageId(base));
  return hash.digest("hex").slice(0, 32);
}

function line(status: "ok" | "FAIL", what: string, seconds: number, note = ""): void {
  console.log(`${status.padEnd(6)}${what.padEnd(56)} ${seconds.toFixed(1).padStart(7)} s${note}`);
}

/** Builds each image after its bases, at most two at a time (the machines have 2 cores). */
export async function buildImages(): Promise<void> {
  const done = new Map<ImageName, Promise<void>>();
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => {
    if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  const ensure = (name: ImageName): Promise<void> => {
    let promise = done.get(name);
    if (!promise) {
      promise = (async () => {
        await Promise.all(RECIPES[name].bases.map(ensure));
        const wanted = await recipeHash(name);
        const label = `image ${LOCAL_IMAGES[name]}`;
        if ((await recipeOf(name)) === wanted) {
          line("ok", label, 0, "  (up to date)");
          return;
        }
        await slot();
        const started = Date.now();
        try {
          await RECIPES[name].build(wanted);
          line("ok", label, (Date.now() - started) / 1000, "  (built)");
        } catch (error) {
          line("FAIL", label, (Date.now() - started) / 1000);
          throw error;
        } finally {
          release();
        }
      })();
      done.set(name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled((Object.keys(RECIPES) as ImageName[]).map(ensure));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

async function main(command: string | undefined): Promise<number> {
  if (command === "build") {
    await buildImages();
    return 0;
  }
  if (command === "env") {
    for (const [key, value] of Object.entries(LOCAL_IMAGE_ENV)) console.log(`${key}=${value}`);
    return 0;
  }
  console.error("usage: node dev/containers/images.ts build|env");
  return 2;
}

if (import.meta.main) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof StackError ? `${error.message}\n${String(error.cause ?? "")}` : error);
      process.exit(1);
    },
  );
}
