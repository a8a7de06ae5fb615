# One security group per workload. Egress is an allow-list: the MSK IAM/TLS
# port, PostgreSQL, the schema registry, the VPC endpoints and S3 (ECR layers).
# There is no internet egress and no ingress except the health/metrics port
# from the same group (the ADOT sidecar scrapes over localhost anyway).

locals {
  workloads = {
    pipeline = {
      description = "Anonymisation pipeline tasks"
      egress = {
        msk      = { port = 9098, sg = var.msk.security_group_id, what = "Kafka IAM over TLS" }
        postgres = { port = var.database.port, sg = var.database.security_group_id, what = "PostgreSQL over TLS" }
        registry = { port = var.schema_registry.port, sg = var.schema_registry.security_group_id, what = "schema registry" }
        aws-apis = { port = 443, sg = var.endpoints_security_group_id, what = "AWS APIs through VPC endpoints" }
      }
    }
    producer = {
      description = "Synthetic record producer tasks (non-production)"
      egress = {
        msk      = { port = 9098, sg = var.msk.security_group_id, what = "Kafka IAM over TLS" }
        registry = { port = var.schema_registry.port, sg = var.schema_registry.security_group_id, what = "schema registry" }
        aws-apis = { port = 443, sg = var.endpoints_security_group_id, what = "AWS APIs through VPC endpoints" }
      }
    }
    register-schemas = {
      description = "One-off schema registration task"
      egress = {
        registry = { port = var.schema_registry.port, sg = var.schema_registry.security_group_id, what = "schema registry" }
        aws-apis = { port = 443, sg = var.endpoints_security_group_id, what = "AWS APIs through VPC endpoints" }
      }
    }
  }

  egress_rules = merge([
    for workload, w in local.workloads : {
      for target, rule in w.egress : "${workload}.${target}" => merge(rule, { workload = workload })
    }
  ]...)
}

resource "aws_security_group" "workload" {
  # checkov:skip=CKV2_AWS_5:The register-schemas group is attached when the one-off task is started (aws ecs run-task), and the producer group only in environments that enable the producer.
  for_each    = local.workloads
  name        = "${var.name_prefix}-${each.key}"
  description = each.value.description
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name_prefix}-${each.key}" }
}

resource "aws_vpc_security_group_egress_rule" "workload" {
  for_each                     = local.egress_rules
  security_group_id            = aws_security_group.workload[each.value.workload].id
  description                  = "${each.value.what} from ${each.value.workload}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.sg
}

resource "aws_vpc_security_group_egress_rule" "s3" {
  for_each          = local.workloads
  security_group_id = aws_security_group.workload[each.key].id
  description       = "ECR image layers from S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_id
}
