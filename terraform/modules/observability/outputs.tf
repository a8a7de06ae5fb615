output "prometheus_workspace_arn" {
  description = "ARN of the Prometheus workspace (for aps:RemoteWrite grants)."
  value       = aws_prometheus_workspace.this.arn
}

output "prometheus_remote_write_url" {
  description = "Remote-write URL of the Prometheus workspace."
  value       = "${aws_prometheus_workspace.this.prometheus_endpoint}api/v1/remote_write"
}

output "grafana_endpoint" {
  description = "URL of the Grafana workspace (null when disabled)."
  value       = var.enable_grafana ? aws_grafana_workspace.this[0].endpoint : null
}

output "alarm_topic_arn" {
  description = "SNS topic for alarms."
  value       = aws_sns_topic.alarms.arn
}
