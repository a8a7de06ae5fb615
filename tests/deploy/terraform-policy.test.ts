// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are Terraform interpolations, not JS templates
/**
 * Policy rules for the Terraform that checkov does not express (or expresses too loosely), checked on the parsed HCL.
 * `terraform validate` cannot run offline (no provider plugins), so these tests and checkov are the offline gate.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Block,
  dataOf,
  envDirs,
  type Hcl,
  isReference,
  loadAll,
  loadDir,
  moduleDirs,
  one,
  resolve,
  resourcesOf,
  TERRAFORM_ROOT,
  type TerraformDir,
} from "./hcl.ts";

let all: TerraformDir[] = [];
const dirOf = (block: Block): TerraformDir => {
  const dir = all.find((d) => d.resources.includes(block) || d.data.includes(block));
  if (dir === undefined) throw new Error(`no directory for ${block.type}.${block.name}`);
  return dir;
};
const byModule = (name: string): TerraformDir => {
  const dir = all.find((d) => d.dir === join(TERRAFORM_ROOT, "modules", name));
  if (dir === undefined) throw new Error(`module ${name} not found`);
  return dir;
};

// Kafka listeners other than MSK's IAM/TLS port 9098: plaintext, mTLS, SCRAM, public variants, ZooKeeper.
const FORBIDDEN_KAFKA_PORTS = [9092, 9094, 9096, 9192, 9194, 9196, 2181, 2182];

/** envs/dev and envs/prod, the environments that call modules/platform. */
let environments: TerraformDir[] = [];
const platformCall = (env: TerraformDir): Hcl => {
  const call = env.modules.get("platform");
  if (call === undefined) throw new Error(`${env.dir} does not call modules/platform`);
  return call;
};

beforeAll(async () => {
  all = await loadAll();
  environments = all.filter((d) => d.modules.has("platform"));
}, 60_000);

describe("MSK: no plaintext or unauthenticated client access", () => {
  it("has exactly one cluster, and it is TLS-only in transit, between brokers and to clients", () => {
    const clusters = resourcesOf(all, "aws_msk_cluster");
    expect(clusters).toHaveLength(1);
    for (const c of clusters) {
      const transit = one(one(c.body["encryption_info"])["encryption_in_transit"]);
      expect(transit["client_broker"]).toBe("TLS");
      expect(transit["in_cluster"]).toBe(true);
    }
  });

  it("authenticates clients with IAM only: unauthenticated off, no SCRAM, no mTLS listener", () => {
    for (const c of resourcesOf(all, "aws_msk_cluster")) {
      const auth = one(c.body["client_authentication"]);
      expect(auth["unauthenticated"]).toBe(false);
      expect(one(auth["sasl"])["iam"]).toBe(true);
      expect(one(auth["sasl"])["scram"] ?? false).toBe(false);
      expect(auth["tls"]).toBeUndefined();
    }
  });

  it("encrypts at rest with a customer key, ships broker logs, and has no public access", () => {
    for (const c of resourcesOf(all, "aws_msk_cluster")) {
      expect(isReference(one(c.body["encryption_info"])["encryption_at_rest_kms_key_arn"], /kms/)).toBe(true);
      const logs = one(one(one(c.body["logging_info"])["broker_logs"])["cloudwatch_logs"]);
      expect(logs["enabled"]).toBe(true);
      const access = one(one(one(c.body["broker_node_group_info"])["connectivity_info"])["public_access"]);
      expect(access["type"]).toBe("DISABLED");
    }
  });

  it("needs at least two brokers in every environment, refused below that by validation", () => {
    const msk = byModule("msk");
    const brokerCount = msk.variables.get("broker_count");
    expect(one(brokerCount?.["validation"])["condition"]).toMatch(/var\.broker_count >= 2/);
    expect(brokerCount?.["default"]).toBeGreaterThanOrEqual(2);
    for (const env of environments) {
      expect(platformCall(env)["msk_broker_count"], env.dir).toBeGreaterThanOrEqual(2);
    }
  });

  it("disables automatic topic creation and unclean leader election", () => {
    for (const c of resourcesOf(all, "aws_msk_configuration")) {
      expect(c.body["server_properties"]).toMatch(/auto\.create\.topics\.enable=false/);
      expect(c.body["server_properties"]).toMatch(/unclean\.leader\.election\.enable=false/);
    }
  });
});

describe("security groups: the broker port is 9098, open only to the pipeline's groups", () => {
  const ruleTypes = ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"];

  it("the broker group has no inline rules and only 9098 ingress from referenced security groups", () => {
    const msk = byModule("msk");
    const group = msk.resources.find((r) => r.type === "aws_security_group" && r.name === "brokers");
    expect(group?.body["ingress"]).toBeUndefined();
    expect(group?.body["egress"]).toBeUndefined();
    const ingress = msk.resources.filter((r) => r.type === "aws_vpc_security_group_ingress_rule");
    expect(ingress.length).toBeGreaterThan(0);
    for (const rule of ingress) {
      expect(rule.body["security_group_id"]).toBe("${aws_security_group.brokers.id}");
      expect(resolve(msk, rule.body["from_port"])).toBe(9098);
      expect(resolve(msk, rule.body["to_port"])).toBe(9098);
      expect(rule.body["ip_protocol"]).toBe("tcp");
      expect(rule.body["referenced_security_group_id"]).toBeDefined();
      for (const cidr of ["cidr_ipv4", "cidr_ipv6", "prefix_list_id"])
        expect(rule.body[cidr]).toBeUndefined();
    }
  });

  it("in every environment the broker clients are the pipeline and producer task groups, nothing else", () => {
    const composing = all.filter((d) => d.modules.has("msk"));
    expect(composing.map((d) => d.dir)).toEqual([join(TERRAFORM_ROOT, "modules", "platform")]);
    for (const env of composing) {
      const clients = one(env.modules.get("msk")?.["client_security_group_ids"]);
      expect(Object.keys(clients).sort()).toEqual(["pipeline", "producer"]);
      expect(clients["pipeline"]).toBe('${module.ecs.security_group_ids["pipeline"]}');
    }
  });

  it("task egress towards the brokers uses 9098 only", () => {
    const ecs = byModule("ecs");
    const workloads = ecs.locals["workloads"] as Hcl;
    let kafkaRules = 0;
    for (const w of Object.values(workloads)) {
      for (const rule of Object.values((w as Hcl)["egress"] as Hcl)) {
        if (String((rule as Hcl)["sg"]).includes("var.msk.")) {
          kafkaRules += 1;
          expect((rule as Hcl)["port"]).toBe(9098);
        }
      }
    }
    expect(kafkaRules).toBe(2);
  });

  it("no rule anywhere opens a Kafka plaintext, SCRAM, mTLS or ZooKeeper port, or all ports", () => {
    for (const dir of all) {
      for (const rule of dir.resources.filter(
        (r) => ruleTypes.includes(r.type) || r.type === "aws_security_group_rule",
      )) {
        expect(rule.body["ip_protocol"] ?? rule.body["protocol"]).not.toBe("-1");
        const from = resolve(dir, rule.body["from_port"]);
        const to = resolve(dir, rule.body["to_port"]);
        if (typeof from === "number" && typeof to === "number") {
          for (const port of FORBIDDEN_KAFKA_PORTS) expect(port >= from && port <= to).toBe(false);
        }
      }
    }
  });

  it("no ingress is open to the internet, and security groups carry no inline rules", () => {
    for (const rule of resourcesOf(all, "aws_vpc_security_group_ingress_rule")) {
      expect(rule.body["cidr_ipv4"]).not.toBe("0.0.0.0/0");
      expect(rule.body["cidr_ipv6"]).not.toBe("::/0");
    }
    expect(resourcesOf(all, "aws_security_group_rule")).toHaveLength(0);
    for (const group of resourcesOf(all, "aws_security_group")) {
      expect(group.body["ingress"]).toBeUndefined();
      expect(group.body["egress"]).toBeUndefined();
    }
  });

  it("no egress rule reaches the internet: tasks talk to named groups, VPC endpoints and the S3 prefix list", () => {
    for (const rule of resourcesOf(all, "aws_vpc_security_group_egress_rule")) {
      expect(rule.body["cidr_ipv4"]).toBeUndefined();
      expect(rule.body["cidr_ipv6"]).toBeUndefined();
      expect(rule.body["referenced_security_group_id"] ?? rule.body["prefix_list_id"]).toBeDefined();
    }
  });
});

describe("RDS PostgreSQL 16: TLS forced, private, encrypted, protected", () => {
  it("the parameter group forces SSL and the instance uses that parameter group", () => {
    const groups = resourcesOf(all, "aws_db_parameter_group");
    expect(groups).toHaveLength(1);
    const group = groups[0]!;
    expect(group.body["family"]).toBe("postgres16");
    const params = group.body["parameter"] as Hcl[];
    expect(params.find((p) => p["name"] === "rds.force_ssl")?.["value"]).toBe("1");
    const instance = resourcesOf(all, "aws_db_instance")[0]!;
    expect(instance.body["parameter_group_name"]).toBe(`\${aws_db_parameter_group.${group.name}.name}`);
  });

  it("never logs bind values (record contents stay out of logs)", () => {
    const params = resourcesOf(all, "aws_db_parameter_group")[0]!.body["parameter"] as Hcl[];
    expect(params.find((p) => p["name"] === "log_parameter_max_length")?.["value"]).toBe("0");
    expect(params.find((p) => p["name"] === "log_statement")).toBeUndefined();
  });

  it("is encrypted with a customer key, private, deletion-protected, backed up, IAM-auth enabled, PI encrypted", () => {
    const instances = resourcesOf(all, "aws_db_instance");
    expect(instances).toHaveLength(1);
    const db = instances[0]!;
    const rds = dirOf(db);
    expect(db.body["engine"]).toBe("postgres");
    expect(resolve(rds, db.body["engine_version"])).toMatch(/^16/);
    expect(db.body["storage_encrypted"]).toBe(true);
    expect(isReference(db.body["kms_key_id"], /kms/)).toBe(true);
    expect(db.body["publicly_accessible"]).toBe(false);
    expect(db.body["deletion_protection"]).toBe(true);
    expect(db.body["skip_final_snapshot"]).toBe(false);
    expect(db.body["iam_database_authentication_enabled"]).toBe(true);
    expect(db.body["performance_insights_enabled"]).toBe(true);
    expect(isReference(db.body["performance_insights_kms_key_id"], /kms/)).toBe(true);
    expect(db.body["manage_master_user_password"]).toBe(true);
    expect(resolve(rds, db.body["backup_retention_period"])).toBeGreaterThanOrEqual(7);
    expect(one(rds.variables.get("backup_retention_days")?.["validation"])["condition"]).toMatch(/>= 7/);
    expect(one(rds.variables.get("engine_version")?.["validation"])["condition"]).toMatch(/\^16/);
  });
});

describe("remote state: S3, encrypted with a customer key, locked", () => {
  it("every environment uses the s3 backend with encrypt, a KMS key and lockfile locking", () => {
    const envs = envDirs();
    expect(envs.map((e) => e.split("/").pop())).toEqual(expect.arrayContaining(["dev", "prod"]));
    return Promise.all(
      envs.map(async (dir) => {
        const env = await loadDir(dir);
        const backends = env.terraform.map((t) => t["backend"]).filter(Boolean);
        expect(backends, dir).toHaveLength(1);
        const s3 = one(backends[0]["s3"]);
        expect(s3["encrypt"]).toBe(true);
        expect(String(s3["kms_key_id"] ?? "")).not.toBe("");
        expect(s3["use_lockfile"] === true || typeof s3["dynamodb_table"] === "string").toBe(true);
        expect(s3["region"]).toBe("eu-west-2");
      }),
    );
  });

  it("the state bucket is versioned, KMS-encrypted, private and TLS-only", () => {
    const boot = byModule("state-bootstrap");
    const sse = boot.resources.find((r) => r.type === "aws_s3_bucket_server_side_encryption_configuration");
    const rule = one(one(sse?.body["rule"])["apply_server_side_encryption_by_default"]);
    expect(rule["sse_algorithm"]).toBe("aws:kms");
    expect(isReference(rule["kms_master_key_id"], /aws_kms_key/)).toBe(true);
    const versioning = boot.resources.find((r) => r.type === "aws_s3_bucket_versioning");
    expect(one(versioning?.body["versioning_configuration"])["status"]).toBe("Enabled");
    const pab = boot.resources.find((r) => r.type === "aws_s3_bucket_public_access_block")?.body ?? {};
    for (const k of [
      "block_public_acls",
      "block_public_policy",
      "ignore_public_acls",
      "restrict_public_buckets",
    ]) {
      expect(pab[k]).toBe(true);
    }
    const policy = boot.data.find((d) => d.type === "aws_iam_policy_document");
    const deny = ((policy?.body["statement"] ?? []) as Hcl[]).find((s) => s["effect"] === "Deny");
    expect(one(deny?.["condition"])["variable"]).toBe("aws:SecureTransport");
  });
});

describe("customer-managed keys everywhere", () => {
  it("every log group is encrypted with a customer key and kept at least 30 days", () => {
    const groups = resourcesOf(all, "aws_cloudwatch_log_group");
    expect(groups.length).toBeGreaterThanOrEqual(6);
    for (const g of groups) {
      expect(isReference(g.body["kms_key_id"], /kms/), `${g.module}/${g.name}`).toBe(true);
      const retention = resolve(dirOf(g), g.body["retention_in_days"]);
      expect(retention, `${g.module}/${g.name}`).toBeGreaterThanOrEqual(30);
    }
  });

  it("every retention variable refuses values below 30 days", () => {
    for (const dir of all) {
      for (const [name, v] of dir.variables) {
        if (!name.endsWith("retention_days") || name.startsWith("backup") || name.startsWith("noncurrent"))
          continue;
        const condition = String(one(v["validation"])["condition"]);
        expect(condition, `${dir.dir}:${name}`).toMatch(/contains\(\[30,/);
      }
    }
  });

  it("every secret is encrypted with the customer secrets key and is recoverable after deletion", () => {
    const secrets = resourcesOf(all, "aws_secretsmanager_secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) {
      expect(isReference(s.body["kms_key_id"], /kms/)).toBe(true);
      expect(resolve(dirOf(s), s.body["recovery_window_in_days"])).toBeGreaterThanOrEqual(7);
    }
    // No secret value is ever managed by Terraform (it would land in state).
    expect(resourcesOf(all, "aws_secretsmanager_secret_version")).toHaveLength(0);
  });

  it("the keyring is its own secret, separate from the database credentials", () => {
    const locals = byModule("secrets").locals["secrets"] as Hcl;
    expect(Object.keys(locals)).toEqual(expect.arrayContaining(["hmac-keyring", "db-pipeline"]));
  });

  it("every KMS key rotates, and ECR, SNS and Prometheus use customer keys", () => {
    for (const k of resourcesOf(all, "aws_kms_key")) expect(k.body["enable_key_rotation"]).toBe(true);
    for (const r of resourcesOf(all, "aws_ecr_repository")) {
      expect(r.body["image_tag_mutability"]).toBe("IMMUTABLE");
      expect(one(r.body["image_scanning_configuration"])["scan_on_push"]).toBe(true);
      expect(one(r.body["encryption_configuration"])["encryption_type"]).toBe("KMS");
    }
    for (const t of resourcesOf(all, "aws_sns_topic"))
      expect(isReference(t.body["kms_master_key_id"], /kms/)).toBe(true);
    for (const w of resourcesOf(all, "aws_prometheus_workspace"))
      expect(isReference(w.body["kms_key_arn"], /kms/)).toBe(true);
  });
});

describe("ECS Fargate services", () => {
  it("no service gets a public IP or ECS Exec, and every one runs on Fargate with a rollback breaker", () => {
    const services = resourcesOf(all, "aws_ecs_service");
    expect(services.length).toBeGreaterThanOrEqual(3);
    for (const s of services) {
      expect(one(s.body["network_configuration"])["assign_public_ip"]).toBe(false);
      expect(s.body["enable_execute_command"]).toBe(false);
      expect(s.body["launch_type"]).toBe("FARGATE");
      expect(one(s.body["deployment_circuit_breaker"])["rollback"]).toBe(true);
    }
  });

  it("runs at least two pipeline replicas", () => {
    const ecs = byModule("ecs");
    const pipeline = ecs.resources.find((r) => r.type === "aws_ecs_service" && r.name === "pipeline");
    expect(pipeline?.body["desired_count"]).toBe("${var.pipeline_desired_count}");
    expect(ecs.variables.get("pipeline_desired_count")?.["default"]).toBeGreaterThanOrEqual(2);
    expect(one(ecs.variables.get("pipeline_desired_count")?.["validation"])["condition"]).toMatch(/>= 2/);
  });

  it("every container has a read-only root filesystem and drops all capabilities", () => {
    for (const name of ["ecs", "registry"]) {
      const dir = byModule(name);
      const containers = [...dir.source.matchAll(/^\s*image\s*=/gm)].length;
      const readOnly = [...dir.source.matchAll(/readonlyRootFilesystem\s*=\s*true/g)].length;
      const viaCommon = [...dir.source.matchAll(/merge\(local\.common_container/g)].length;
      expect(readOnly + viaCommon - (dir.source.includes("common_container = {") ? 1 : 0), name).toBe(
        containers,
      );
      expect(dir.source).not.toMatch(/readonlyRootFilesystem\s*=\s*false/);
      expect(dir.source).toMatch(/drop\s*=\s*\["ALL"\]/);
    }
  });

  it("health-checks the pipeline on /health/live and runs it as node app/main.ts", () => {
    const ecs = byModule("ecs");
    expect(ecs.source).toMatch(/\/health\/live/);
    expect(ecs.source).toMatch(/command\s*=\s*\["node", "app\/main\.ts"\]/);
  });

  it("the synthetic producer is optional, off by default, and forced off in prod", async () => {
    const ecs = byModule("ecs");
    expect(ecs.variables.get("enable_synthetic_producer")?.["default"]).toBe(false);
    const producer = ecs.resources.find((r) => r.type === "aws_ecs_service" && r.name === "producer");
    expect(producer?.body["count"]).toBe("${var.enable_synthetic_producer ? 1 : 0}");
    expect(byModule("platform").modules.get("ecs")?.["enable_synthetic_producer"]).toBe(
      "${var.enable_synthetic_producer}",
    );
    expect(byModule("platform").variables.get("enable_synthetic_producer")?.["default"]).toBe(false);
    // prod passes a literal false and declares no variable that could change it.
    const prod = await loadDir(join(TERRAFORM_ROOT, "envs", "prod"));
    expect(platformCall(prod)["enable_synthetic_producer"]).toBe(false);
    expect(prod.variables.has("enable_synthetic_producer")).toBe(false);
  });
});

describe("IAM: least privilege", () => {
  const SCOPELESS_ACTIONS = new Set(["ecr:GetAuthorizationToken", "aps:ListWorkspaces"]);

  it("no allow statement grants a wildcard action, and '*' resources only for actions that have no resource scope", () => {
    for (const doc of dataOf(all, "aws_iam_policy_document")) {
      for (const st of (doc.body["statement"] ?? []) as Hcl[]) {
        if (st["effect"] === "Deny") continue;
        const actions = (st["actions"] ?? []) as string[];
        for (const a of actions) expect(a, `${doc.module}/${doc.name}`).not.toMatch(/(^\*$|:\*$)/);
        if (((st["resources"] ?? []) as string[]).includes("*")) {
          for (const a of actions)
            expect(SCOPELESS_ACTIONS.has(a), `${doc.module}/${doc.name}: ${a}`).toBe(true);
        }
      }
    }
  });

  it("the pipeline reads only the raw topic and writes only the anonymised and dead-letter topics", () => {
    const doc = dataOf([byModule("ecs")], "aws_iam_policy_document").find((d) => d.name === "pipeline_task");
    const statements = doc?.body["statement"] as Hcl[];
    const read = statements.find((s) => (s["actions"] as string[]).includes("kafka-cluster:ReadData"));
    expect(read?.["resources"]).toEqual(["${local.topic_arn}/${var.topics.raw}"]);
    const write = statements.find((s) => (s["actions"] as string[]).includes("kafka-cluster:WriteData"));
    expect(write?.["resources"]).toEqual([
      "${local.topic_arn}/${var.topics.anonymised}",
      "${local.topic_arn}/${var.topics.dead_letter}",
    ]);
  });

  it("each workload has its own execution and task roles", () => {
    const roles = resourcesOf([byModule("ecs")], "aws_iam_role").map((r) => r.name);
    expect(roles.sort()).toEqual(["execution", "task"]);
    const execution = resourcesOf([byModule("ecs")], "aws_iam_role").find((r) => r.name === "execution");
    expect(execution?.body["for_each"]).toBe("${local.workloads}");
  });

  it("CI assumes its push role through GitHub OIDC, limited to one repository ref and the STS audience", () => {
    const trust = dataOf([byModule("ecr")], "aws_iam_policy_document").find((d) => d.name === "ci_assume");
    const st = ((trust?.body["statement"] ?? []) as Hcl[])[0]!;
    expect(st["actions"]).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    const conditions = st["condition"] as Hcl[];
    const sub = conditions.find((c) => String(c["variable"]).endsWith(":sub"));
    expect(sub?.["test"]).toBe("StringEquals");
    expect(sub?.["values"]).toEqual(["repo:${var.github_repository}:ref:${var.github_push_ref}"]);
    expect(conditions.find((c) => String(c["variable"]).endsWith(":aud"))?.["values"]).toEqual([
      "sts.amazonaws.com",
    ]);
    expect(resourcesOf(all, "aws_iam_access_key")).toHaveLength(0);
    expect(resourcesOf(all, "aws_iam_user")).toHaveLength(0);
  });
});

describe("modules: validated, documented, region-locked", () => {
  it("every module variable has a type and a description", () => {
    for (const dir of all) {
      for (const [name, v] of dir.variables) {
        expect(v["type"], `${dir.dir}:${name}`).toBeDefined();
        expect(String(v["description"] ?? ""), `${dir.dir}:${name}`).not.toBe("");
      }
    }
  });

  it("every module has a README that documents each of its inputs", () => {
    for (const dir of moduleDirs()) {
      const readme = join(dir, "README.md");
      expect(existsSync(readme), readme).toBe(true);
      const text = readFileSync(readme, "utf8");
      const mod = all.find((d) => d.dir === dir)!;
      for (const name of mod.variables.keys())
        expect(text, `${readme} misses ${name}`).toContain(`\`${name}\``);
    }
  });

  it("environments are pinned to eu-west-2 and share one composition", () => {
    expect(environments.map((e) => e.dir.split("/").pop())).toEqual(["dev", "prod"]);
    for (const env of environments) {
      const name = env.dir.split("/").pop();
      expect(env.providers.get("aws")?.["region"], env.dir).toBe("eu-west-2");
      expect(one(env.providers.get("aws")?.["default_tags"])["tags"], env.dir).toBe(
        "${module.platform.default_tags}",
      );
      // Only the platform call with this environment's values: no resources, data sources or other modules.
      expect([...env.modules.keys()], env.dir).toEqual(["platform"]);
      expect(platformCall(env)["source"]).toBe("../../modules/platform");
      expect(platformCall(env)["environment"]).toBe(name);
      expect(env.resources, env.dir).toHaveLength(0);
      expect(env.data, env.dir).toHaveLength(0);
      expect(Object.keys(env.locals), env.dir).toHaveLength(0);
    }
    const platform = byModule("platform");
    expect(platform.providers.size).toBe(0);
    // The tags feed the environments' provider blocks: literals and var.environment only (no cycle).
    expect(platform.source).toMatch(
      /output "default_tags" \{[^}]*value = \{\s*Project\s*= "nhs-anonymiser"\s*Environment\s*= var\.environment\s*ManagedBy\s*= "terraform"\s*DataClassification = "patient-data"\s*\}/,
    );
  });

  it("every module pins Terraform and the AWS provider to one major version; environments name the provider only", async () => {
    for (const dir of all) {
      const required = dir.terraform.map((t) => t["required_providers"]).filter(Boolean);
      expect(required.length, dir.dir).toBe(1);
      expect(one(required[0])["aws"]?.["source"], dir.dir).toBe("hashicorp/aws");
      if (dir.dir.includes(`${join(TERRAFORM_ROOT, "envs")}/`)) {
        // The pins of the module an environment calls hold for the whole configuration.
        expect(one(required[0])["aws"]?.["version"], dir.dir).toBeUndefined();
        continue;
      }
      expect(String(one(required[0])["aws"]?.["version"]), dir.dir).toMatch(/^>= 6\.0\.0, < 7\.0\.0$/);
      expect(dir.terraform.find((t) => t["required_version"])?.["required_version"], dir.dir).toMatch(
        /^>= 1\.11\.0, < 2\.0\.0$/,
      );
    }
    const boot = await loadDir(join(TERRAFORM_ROOT, "envs", "bootstrap"));
    expect(boot.modules.get("state")?.["source"]).toBe("../../modules/state-bootstrap");
  });
});
