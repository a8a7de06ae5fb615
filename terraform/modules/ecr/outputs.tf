output "repository_url" {
  description = "Repository URL; deploy images as <url>@sha256:<digest>."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "Repository ARN (for pull permissions)."
  value       = aws_ecr_repository.this.arn
}

output "ci_push_role_arn" {
  description = "Role that GitHub Actions assumes through OIDC to push images (set as the AWS_ECR_PUSH_ROLE_ARN repository variable)."
  value       = aws_iam_role.ci_push.arn
}

output "registry_host" {
  description = "Host part of the account's private registry (<account>.dkr.ecr.<region>.amazonaws.com)."
  value       = split("/", aws_ecr_repository.this.repository_url)[0]
}

output "pullable_repository_arns" {
  description = "ARNs of every repository ECS tasks may pull from (application, mirrors, pull-through cache prefix)."
  value = concat(
    [aws_ecr_repository.this.arn],
    [for r in aws_ecr_repository.mirror : r.arn],
    ["arn:aws:ecr:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:repository/ecr-public/*"],
  )
}
