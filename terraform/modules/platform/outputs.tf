output "ecr_repository_url" {
  description = "Where CI pushes the pipeline image."
  value       = module.ecr.repository_url
}

output "ci_push_role_arn" {
  description = "Role for the GitHub Actions OIDC push (repository variable AWS_ECR_PUSH_ROLE_ARN)."
  value       = module.ecr.ci_push_role_arn
}

output "ecs_cluster_name" {
  description = "ECS cluster name."
  value       = module.ecs.cluster_name
}

output "register_schemas_task_definition_arn" {
  description = "Run once per release before the pipeline service rolls."
  value       = module.ecs.register_schemas_task_definition_arn
}

output "hmac_keyring_secret_arn" {
  description = "Secret to populate with the keyring JSON (put-secret-value)."
  value       = module.secrets.hmac_keyring_secret_arn
}

output "grafana_endpoint" {
  description = "Amazon Managed Grafana URL."
  value       = module.observability.grafana_endpoint
}

# Read by the calling environment's provider block, so it may use literals and
# var.environment only: a reference to a resource or data source here would
# make the provider depend on what it creates (a cycle).
output "default_tags" {
  description = "Tags every resource of the platform carries: the calling environment sets them as its aws provider's default_tags."
  value = {
    Project            = "nhs-anonymiser"
    Environment        = var.environment
    ManagedBy          = "terraform"
    DataClassification = "patient-data"
  }
}
