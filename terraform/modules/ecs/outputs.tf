output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "security_group_ids" {
  description = "Security group of each workload (pipeline, producer, register-schemas)."
  value       = { for k, sg in aws_security_group.workload : k => sg.id }
}

output "pipeline_service_name" {
  description = "Name of the pipeline ECS service."
  value       = aws_ecs_service.pipeline.name
}

output "register_schemas_task_definition_arn" {
  description = "Task definition to run once per release to register the Avro schemas."
  value       = aws_ecs_task_definition.register_schemas.arn
}

output "pipeline_task_role_name" {
  description = "Name of the pipeline task role (for the rds-db:connect grant if IAM DB auth is adopted)."
  value       = aws_iam_role.task["pipeline"].name
}
