locals {
  http_port = 9464

  # Node has no curl/wget in the slim image; fetch() is built in.
  health_command = [
    "CMD", "node", "-e",
    "fetch('http://127.0.0.1:${local.http_port}/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
  ]

  kafka_environment = [
    { name = "KAFKA_BOOTSTRAP_SERVERS", value = var.msk.bootstrap },
    { name = "KAFKA_SASL_MECHANISM", value = "AWS_MSK_IAM" },
    { name = "KAFKA_TLS", value = "true" },
    { name = "SCHEMA_REGISTRY_URL", value = var.schema_registry.url },
    { name = "RAW_TOPIC", value = var.topics.raw },
    { name = "LOG_LEVEL", value = var.log_level },
    { name = "HTTP_PORT", value = tostring(local.http_port) },
    { name = "AWS_REGION", value = local.region },
  ]

  # The root filesystem is read-only; /tmp is the only writable path.
  tmp_volume_mount = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]

  common_container = {
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false
    user                   = "1000:1000"
    linuxParameters        = { initProcessEnabled = true, capabilities = { drop = ["ALL"] } }
    stopTimeout            = 60
    mountPoints            = local.tmp_volume_mount
  }

  adot_config = yamlencode({
    extensions = { sigv4auth = { region = local.region, service = "aps" } }
    receivers = {
      prometheus = {
        config = {
          global = { scrape_interval = "15s" }
          scrape_configs = [{
            job_name       = "anonymiser"
            static_configs = [{ targets = ["127.0.0.1:${local.http_port}"] }]
          }]
        }
      }
    }
    exporters = {
      prometheusremotewrite = {
        endpoint = var.prometheus.remote_write_url
        auth     = { authenticator = "sigv4auth" }
      }
    }
    service = {
      extensions = ["sigv4auth"]
      pipelines  = { metrics = { receivers = ["prometheus"], exporters = ["prometheusremotewrite"] } }
    }
  })
}

resource "aws_ecs_cluster" "this" {
  name = "${var.name_prefix}-cluster"

  setting {
    name  = "containerInsights"
    value = "enhanced"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "workload" {
  for_each          = local.workloads
  name              = "/ecs/${var.name_prefix}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# --- pipeline: 2+ replicas, health-checked, read-only root, no public IP

resource "aws_ecs_task_definition" "pipeline" {
  family                   = "${var.name_prefix}-pipeline"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.pipeline_cpu
  memory                   = var.pipeline_memory
  execution_role_arn       = aws_iam_role.execution["pipeline"].arn
  task_role_arn            = aws_iam_role.task["pipeline"].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge(local.common_container, {
      name         = "pipeline"
      image        = var.image
      command      = ["node", "app/main.ts"]
      portMappings = [{ containerPort = local.http_port, protocol = "tcp" }]
      environment = concat(local.kafka_environment, [
        { name = "ANONYMISED_TOPIC", value = var.topics.anonymised },
        { name = "DEAD_LETTER_TOPIC", value = var.topics.dead_letter },
        { name = "CONSUMER_GROUP", value = var.topics.consumer_group },
        { name = "ANONYMISATION_STRATEGY", value = var.anonymisation_strategy },
        { name = "PGHOST", value = var.database.address },
        { name = "PGPORT", value = tostring(var.database.port) },
        { name = "PGDATABASE", value = var.database.name },
        { name = "PGSSLMODE", value = "verify-full" },
      ])
      # Injected by the ECS agent from Secrets Manager; never in the task definition.
      secrets = [
        { name = "KEYRING_JSON", valueFrom = var.keyring_secret_arn },
        { name = "PGUSER", valueFrom = "${var.db_secret_arn}:username::" },
        { name = "PGPASSWORD", valueFrom = "${var.db_secret_arn}:password::" },
      ]
      healthCheck = { command = local.health_command, interval = 15, timeout = 5, retries = 3, startPeriod = 60 }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.workload["pipeline"].name
          awslogs-region        = local.region
          awslogs-stream-prefix = "pipeline"
        }
      }
    }),
    merge(local.common_container, {
      name        = "metrics-collector"
      image       = var.adot_image
      essential   = false
      command     = ["--config=env:ADOT_CONFIG"]
      environment = [{ name = "ADOT_CONFIG", value = local.adot_config }]
      dependsOn   = [{ containerName = "pipeline", condition = "START" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.workload["pipeline"].name
          awslogs-region        = local.region
          awslogs-stream-prefix = "metrics-collector"
        }
      }
    }),
  ])
}

resource "aws_ecs_service" "pipeline" {
  name                               = "${var.name_prefix}-pipeline"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.pipeline.arn
  desired_count                      = var.pipeline_desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 50
  deployment_maximum_percent         = 200
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.workload["pipeline"].id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}

# --- synthetic producer: optional, off by default and refused in prod (see envs/prod)

resource "aws_ecs_task_definition" "producer" {
  count                    = var.enable_synthetic_producer ? 1 : 0
  family                   = "${var.name_prefix}-producer"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.execution["producer"].arn
  task_role_arn            = aws_iam_role.task["producer"].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge(local.common_container, {
      name        = "producer"
      image       = var.image
      command     = ["node", "dev/cli/produce.ts", "--count", "1000000000", "--rate", tostring(var.producer_rate)]
      environment = local.kafka_environment
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.workload["producer"].name
          awslogs-region        = local.region
          awslogs-stream-prefix = "producer"
        }
      }
    }),
  ])
}

resource "aws_ecs_service" "producer" {
  count                  = var.enable_synthetic_producer ? 1 : 0
  name                   = "${var.name_prefix}-producer"
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.producer[0].arn
  desired_count          = 1
  launch_type            = "FARGATE"
  platform_version       = "LATEST"
  enable_execute_command = false
  propagate_tags         = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.workload["producer"].id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}

# --- schema registration: a task definition run once per release
# (aws ecs run-task ... --network-configuration with the register-schemas security group)

resource "aws_ecs_task_definition" "register_schemas" {
  family                   = "${var.name_prefix}-register-schemas"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution["register-schemas"].arn
  task_role_arn            = aws_iam_role.task["register-schemas"].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge(local.common_container, {
      name        = "register-schemas"
      image       = var.image
      command     = ["node", "app/cli/register-schemas.ts"]
      environment = [{ name = "SCHEMA_REGISTRY_URL", value = var.schema_registry.url }, { name = "LOG_LEVEL", value = var.log_level }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.workload["register-schemas"].name
          awslogs-region        = local.region
          awslogs-stream-prefix = "register-schemas"
        }
      }
    }),
  ])
}
