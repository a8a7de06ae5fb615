// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are GitHub Actions expressions, not JS templates
/**
 * Supply-chain and credential rules for the GitHub Actions workflows (actionlint and checkov run in deploy-checks.sh;
 * these cover what neither enforces: SHA pins with a version comment, job order, OIDC-only AWS access).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Hcl, REPO_ROOT } from "./hcl.ts";

const dir = join(REPO_ROOT, ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const texts = new Map(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
const ci = parse(texts.get("ci.yml") ?? "") as Hcl;
const jobs = ci["jobs"] as Record<string, Hcl>;

describe("GitHub Actions workflows", () => {
  it("exist", () => {
    expect(files).toContain("ci.yml");
  });

  it("pin every action to a full commit SHA with a version comment", () => {
    for (const [file, text] of texts) {
      const uses = text.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
      expect(uses.length, file).toBeGreaterThan(0);
      for (const line of uses) {
        expect(line, file).toMatch(/uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
      }
    }
  });

  it("run lint, then test, then build and scan the image, then push", () => {
    expect(Object.keys(jobs)).toEqual(["lint", "test", "image", "publish"]);
    expect(jobs["test"]?.["needs"]).toBe("lint");
    expect(jobs["image"]?.["needs"]).toBe("test");
    expect(jobs["publish"]?.["needs"]).toBe("image");
    const imageSteps = (jobs["image"]?.["steps"] ?? []) as Hcl[];
    const build = imageSteps.findIndex((s) => String(s["uses"]).startsWith("docker/build-push-action@"));
    const scan = imageSteps.findIndex((s) => String(s["uses"]).startsWith("aquasecurity/trivy-action@"));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(scan).toBeGreaterThan(build);
    expect(imageSteps[scan]?.["with"]?.["exit-code"]).toBe("1");
    expect(imageSteps[build]?.["with"]?.["push"]).toBe(false);
  });

  it("lint runs the deployment checks (terraform fmt, checkov, actionlint, policy tests)", () => {
    const runs = ((jobs["lint"]?.["steps"] ?? []) as Hcl[]).map((s) => String(s["run"] ?? ""));
    expect(runs).toContain("bash dev/ci/deploy-checks.sh");
  });

  it("grant read-only contents by default and an OIDC token only to the publish job on main", () => {
    expect(ci["permissions"]).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(jobs)) {
      if (name === "publish") continue;
      expect(job["permissions"], name).toBeUndefined();
    }
    expect(jobs["publish"]?.["permissions"]).toEqual({ contents: "read", "id-token": "write" });
    expect(jobs["publish"]?.["if"]).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
  });

  it("use no long-lived AWS keys: credentials come from assuming a role", () => {
    for (const [file, text] of texts) {
      expect(text, file).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
    }
    const creds = ((jobs["publish"]?.["steps"] ?? []) as Hcl[]).find((s) =>
      String(s["uses"]).startsWith("aws-actions/configure-aws-credentials@"),
    );
    expect(creds?.["with"]?.["role-to-assume"]).toBe("${{ vars.AWS_ECR_PUSH_ROLE_ARN }}");
  });

  it("never interpolate expressions into shell scripts (values pass through env)", () => {
    for (const job of Object.values(jobs)) {
      for (const step of (job["steps"] ?? []) as Hcl[]) {
        if (typeof step["run"] === "string") expect(step["run"]).not.toMatch(/\$\{\{/);
      }
    }
  });

  it("do not persist checkout credentials", () => {
    for (const job of Object.values(jobs)) {
      for (const step of (job["steps"] ?? []) as Hcl[]) {
        if (String(step["uses"]).startsWith("actions/checkout@")) {
          expect(step["with"]?.["persist-credentials"]).toBe(false);
        }
      }
    }
  });
});
