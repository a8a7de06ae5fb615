output "url" {
  description = "Confluent-compatible API base URL used by the pipeline (SCHEMA_REGISTRY_URL)."
  value       = "http://${aws_service_discovery_service.registry.name}.${aws_service_discovery_private_dns_namespace.this.name}:${local.port}/apis/ccompat/v7"
}

output "port" {
  description = "Registry API port."
  value       = local.port
}

output "security_group_id" {
  description = "Security group of the registry tasks."
  value       = aws_security_group.registry.id
}
