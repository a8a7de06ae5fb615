# Apicurio Registry 3 on ECS Fargate, storage in the RDS PostgreSQL instance
# (its own database and role), reached by the pipeline through Cloud Map DNS
# at http://schema-registry.<name_prefix>.internal:8080. Its Confluent-compatible
# API is /apis/ccompat/v7. Schemas hold no patient data; the port is open only
# to the named client security groups.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  port   = 8080
  region = data.aws_region.current.region
}

resource "aws_security_group" "registry" {
  name        = "${var.name_prefix}-schema-registry"
  description = "Schema registry API 8080 from named client security groups only"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name_prefix}-schema-registry" }
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each                     = var.client_security_group_ids
  security_group_id            = aws_security_group.registry.id
  description                  = "Schema registry API from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  security_group_id            = aws_security_group.registry.id
  description                  = "PostgreSQL over TLS (registry storage)"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = var.database.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "aws_apis" {
  security_group_id            = aws_security_group.registry.id
  description                  = "AWS APIs through VPC endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.endpoints_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "s3" {
  security_group_id = aws_security_group.registry.id
  description       = "ECR image layers from S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_id
}

resource "aws_cloudwatch_log_group" "registry" {
  name              = "/ecs/${var.name_prefix}/schema-registry"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "EcrLoginHasNoResourceScope"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullMirroredImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = var.pullable_repository_arns
  }

  statement {
    sid       = "WriteOwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.registry.arn}:*"]
  }

  statement {
    sid       = "ReadOwnDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.db_secret_arn]
  }

  statement {
    sid       = "DecryptSecretsThroughSecretsManagerOnly"
    actions   = ["kms:Decrypt"]
    resources = [var.secrets_kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name_prefix}-schema-registry-execution"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "execution" {
  name   = "execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# The registry needs no AWS API access at run time: an empty task role.
resource "aws_iam_role" "task" {
  name               = "${var.name_prefix}-schema-registry-task"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = "${var.name_prefix}.internal"
  description = "Private service discovery for ${var.name_prefix}"
  vpc         = var.vpc_id
}

resource "aws_service_discovery_service" "registry" {
  name = "schema-registry"

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  health_check_custom_config {
    failure_threshold = 1
  }
}

resource "aws_ecs_task_definition" "registry" {
  family                   = "${var.name_prefix}-schema-registry"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = "schema-registry"
      image                  = var.image
      essential              = true
      readonlyRootFilesystem = true
      privileged             = false
      linuxParameters        = { initProcessEnabled = true, capabilities = { drop = ["ALL"] } }
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      portMappings           = [{ containerPort = local.port, protocol = "tcp" }]
      environment = [
        { name = "APICURIO_STORAGE_KIND", value = "sql" },
        { name = "APICURIO_STORAGE_SQL_KIND", value = "postgresql" },
        { name = "APICURIO_DATASOURCE_URL", value = "jdbc:postgresql://${var.database.address}:${var.database.port}/registry?sslmode=require" },
        { name = "APICURIO_RULES_GLOBAL_COMPATIBILITY", value = "BACKWARD" },
      ]
      secrets = [
        { name = "APICURIO_DATASOURCE_USERNAME", valueFrom = "${var.db_secret_arn}:username::" },
        { name = "APICURIO_DATASOURCE_PASSWORD", valueFrom = "${var.db_secret_arn}:password::" },
      ]
      healthCheck = {
        # Apicurio 3 serves health on its management port (9000, inside the task only), not on the API port.
        command     = ["CMD-SHELL", "curl -fsS http://127.0.0.1:9000/health/live || exit 1"]
        interval    = 15
        timeout     = 5
        retries     = 3
        startPeriod = 90
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.registry.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "schema-registry"
        }
      }
    },
  ])
}

resource "aws_ecs_service" "registry" {
  name                   = "${var.name_prefix}-schema-registry"
  cluster                = var.cluster_arn
  task_definition        = aws_ecs_task_definition.registry.arn
  desired_count          = var.desired_count
  launch_type            = "FARGATE"
  platform_version       = "LATEST"
  enable_execute_command = false
  propagate_tags         = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.registry.id]
    assign_public_ip = false
  }

  service_registries {
    registry_arn = aws_service_discovery_service.registry.arn
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
