# Metrics path: pipeline /metrics -> ADOT sidecar (scrape + SigV4 remote write)
# -> Amazon Managed Service for Prometheus -> Amazon Managed Grafana, which
# loads ops/grafana/dashboards (see README.md for the import step).

resource "aws_cloudwatch_log_group" "prometheus" {
  name              = "/aps/${var.name_prefix}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_prometheus_workspace" "this" {
  alias       = "${var.name_prefix}-metrics"
  kms_key_arn = var.data_kms_key_arn

  logging_configuration {
    log_group_arn = "${aws_cloudwatch_log_group.prometheus.arn}:*"
  }
}

data "aws_iam_policy_document" "grafana_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["grafana.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "grafana_query" {
  statement {
    sid       = "QueryThisWorkspaceOnly"
    actions   = ["aps:QueryMetrics", "aps:GetLabels", "aps:GetSeries", "aps:GetMetricMetadata", "aps:DescribeWorkspace"]
    resources = [aws_prometheus_workspace.this.arn]
  }

  statement {
    sid       = "ListWorkspacesHasNoResourceScope"
    actions   = ["aps:ListWorkspaces"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "grafana" {
  count              = var.enable_grafana ? 1 : 0
  name               = "${var.name_prefix}-grafana"
  assume_role_policy = data.aws_iam_policy_document.grafana_assume.json
}

resource "aws_iam_role_policy" "grafana" {
  count  = var.enable_grafana ? 1 : 0
  name   = "query-prometheus"
  role   = aws_iam_role.grafana[0].id
  policy = data.aws_iam_policy_document.grafana_query.json
}

resource "aws_grafana_workspace" "this" {
  count                    = var.enable_grafana ? 1 : 0
  name                     = "${var.name_prefix}-dashboards"
  account_access_type      = "CURRENT_ACCOUNT"
  authentication_providers = ["AWS_SSO"]
  permission_type          = "CUSTOMER_MANAGED"
  data_sources             = ["PROMETHEUS"]
  role_arn                 = aws_iam_role.grafana[0].arn
}

# Alarms and (later) Alertmanager notifications go to one encrypted topic.
resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.data_kms_key_arn
}
