# Every output of the platform (listed in modules/platform/README.md), e.g.
#   terraform output -json platform | jq -r .ci_push_role_arn
output "platform" {
  description = "The platform's outputs: ci_push_role_arn, ecr_repository_url, ecs_cluster_name, grafana_endpoint, hmac_keyring_secret_arn, register_schemas_task_definition_arn, default_tags."
  value       = module.platform
}
