output "hmac_keyring_secret_arn" {
  description = "ARN of the HMAC keyring secret (JSON: active key id and keys)."
  value       = aws_secretsmanager_secret.this["hmac-keyring"].arn
}

output "db_pipeline_secret_arn" {
  description = "ARN of the pipeline's PostgreSQL credentials (JSON: username, password)."
  value       = aws_secretsmanager_secret.this["db-pipeline"].arn
}

output "db_registry_secret_arn" {
  description = "ARN of the schema registry's PostgreSQL credentials (JSON: username, password)."
  value       = aws_secretsmanager_secret.this["db-registry"].arn
}
