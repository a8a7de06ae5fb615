output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "Private subnet IDs, one per AZ (all workloads run here)."
  value       = aws_subnet.private[*].id
}

output "endpoints_security_group_id" {
  description = "Security group of the interface VPC endpoints (HTTPS 443)."
  value       = aws_security_group.endpoints.id
}

output "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint (ECR image layers are served from S3)."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}
