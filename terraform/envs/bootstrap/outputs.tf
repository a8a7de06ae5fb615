output "bucket_name" {
  description = "Pass to terraform init -backend-config=\"bucket=...\" in every env."
  value       = module.state.bucket_name
}
