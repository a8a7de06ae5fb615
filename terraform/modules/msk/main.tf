locals {
  # Port 9098 is MSK's IAM-authenticated TLS listener. Ports 9092 (plaintext),
  # 9094 (mTLS), 9096 (SCRAM) and ZooKeeper are never opened.
  iam_tls_port = 9098
  min_isr      = var.broker_count >= 3 ? 2 : 1
}

resource "aws_security_group" "brokers" {
  name        = "${var.name_prefix}-msk-brokers"
  description = "MSK brokers: IAM/TLS port 9098 from named client security groups only"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name_prefix}-msk-brokers" }
}

resource "aws_vpc_security_group_ingress_rule" "clients_iam_tls" {
  for_each                     = var.client_security_group_ids
  security_group_id            = aws_security_group.brokers.id
  description                  = "Kafka IAM over TLS from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.iam_tls_port
  to_port                      = local.iam_tls_port
  referenced_security_group_id = each.value
}

resource "aws_cloudwatch_log_group" "brokers" {
  name              = "/msk/${var.name_prefix}/brokers"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_msk_configuration" "this" {
  name           = "${var.name_prefix}-kafka"
  kafka_versions = [var.kafka_version]
  description    = "No auto topic creation, no unclean leader election, replication across AZs"

  server_properties = <<-PROPERTIES
    auto.create.topics.enable=false
    unclean.leader.election.enable=false
    allow.everyone.if.no.acl.found=false
    default.replication.factor=${min(var.broker_count, 3)}
    min.insync.replicas=${local.min_isr}
    num.partitions=6
    log.retention.hours=168
  PROPERTIES
}

resource "aws_msk_cluster" "this" {
  cluster_name           = "${var.name_prefix}-kafka"
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.broker_count
  enhanced_monitoring    = "PER_TOPIC_PER_PARTITION"

  broker_node_group_info {
    instance_type   = var.broker_instance_type
    client_subnets  = var.subnet_ids
    security_groups = [aws_security_group.brokers.id]

    storage_info {
      ebs_storage_info {
        volume_size = var.broker_volume_gib
      }
    }

    connectivity_info {
      public_access {
        type = "DISABLED"
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this.arn
    revision = aws_msk_configuration.this.latest_revision
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = var.data_kms_key_arn

    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  # IAM is the only client authentication; unauthenticated access is off and
  # neither SCRAM nor mTLS listeners exist.
  client_authentication {
    unauthenticated = false

    sasl {
      iam   = true
      scram = false
    }
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.brokers.name
      }
    }
  }

  open_monitoring {
    prometheus {
      jmx_exporter {
        enabled_in_broker = true
      }
      node_exporter {
        enabled_in_broker = true
      }
    }
  }
}
