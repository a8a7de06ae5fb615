# Least privilege per task: each workload has its own execution role (pull its
# image, write its log group, read only its secrets) and its own task role
# (only the Kafka actions on only the topics it touches).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  kafka_arn  = "arn:aws:kafka:${local.region}:${local.account_id}"
  topic_arn  = "${local.kafka_arn}:topic/${var.msk.name}/${var.msk.uuid}"
  group_arn  = "${local.kafka_arn}:group/${var.msk.name}/${var.msk.uuid}"
  txn_arn    = "${local.kafka_arn}:transactional-id/${var.msk.name}/${var.msk.uuid}"

  workload_secrets = {
    pipeline         = [var.keyring_secret_arn, var.db_secret_arn]
    producer         = []
    register-schemas = []
  }
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# --- execution roles (used by the ECS agent, not by application code)

data "aws_iam_policy_document" "execution" {
  for_each = local.workloads

  statement {
    sid       = "EcrLoginHasNoResourceScope"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullOwnImages"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = var.pullable_repository_arns
  }

  statement {
    sid       = "WriteOwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.workload[each.key].arn}:*"]
  }

  dynamic "statement" {
    for_each = length(local.workload_secrets[each.key]) > 0 ? [1] : []
    content {
      sid       = "ReadOwnSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.workload_secrets[each.key]
    }
  }

  dynamic "statement" {
    for_each = length(local.workload_secrets[each.key]) > 0 ? [1] : []
    content {
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
}

resource "aws_iam_role" "execution" {
  for_each           = local.workloads
  name               = "${var.name_prefix}-${each.key}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "execution" {
  for_each = local.workloads
  name     = "execution"
  role     = aws_iam_role.execution[each.key].id
  policy   = data.aws_iam_policy_document.execution[each.key].json
}

# --- task roles (what the application itself may do)

data "aws_iam_policy_document" "pipeline_task" {
  statement {
    sid       = "ConnectToTheCluster"
    actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"]
    resources = [var.msk.arn]
  }

  statement {
    sid       = "ReadRawTopic"
    actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
    resources = ["${local.topic_arn}/${var.topics.raw}"]
  }

  statement {
    sid     = "WriteAnonymisedAndDeadLetterTopics"
    actions = ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
    resources = [
      "${local.topic_arn}/${var.topics.anonymised}",
      "${local.topic_arn}/${var.topics.dead_letter}",
    ]
  }

  statement {
    sid       = "OwnConsumerGroup"
    actions   = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"]
    resources = ["${local.group_arn}/${var.topics.consumer_group}"]
  }

  statement {
    sid       = "OwnTransactionalIds"
    actions   = ["kafka-cluster:AlterTransactionalId", "kafka-cluster:DescribeTransactionalId"]
    resources = ["${local.txn_arn}/${var.topics.consumer_group}*"]
  }

  statement {
    sid       = "RemoteWriteMetrics"
    actions   = ["aps:RemoteWrite"]
    resources = [var.prometheus.arn]
  }
}

data "aws_iam_policy_document" "producer_task" {
  statement {
    sid       = "ConnectToTheCluster"
    actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"]
    resources = [var.msk.arn]
  }

  statement {
    sid       = "WriteRawTopicOnly"
    actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
    resources = ["${local.topic_arn}/${var.topics.raw}"]
  }
}

locals {
  task_policies = {
    pipeline = data.aws_iam_policy_document.pipeline_task.json
    producer = data.aws_iam_policy_document.producer_task.json
  }
}

resource "aws_iam_role" "task" {
  for_each           = local.workloads
  name               = "${var.name_prefix}-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

# register-schemas talks only to the schema registry and gets no AWS permissions.
resource "aws_iam_role_policy" "task" {
  for_each = local.task_policies
  name     = "task"
  role     = aws_iam_role.task[each.key].id
  policy   = each.value
}
