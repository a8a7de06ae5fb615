output "bucket_name" {
  description = "State bucket name (pass as -backend-config=bucket=...)."
  value       = aws_s3_bucket.state.bucket
}

output "kms_key_arn" {
  description = "ARN of the state encryption key (alias/anonymiser-tfstate)."
  value       = aws_kms_key.state.arn
}
