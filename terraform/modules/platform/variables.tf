# The environment's name and sizing have no defaults: every environment states
# its own. The service modules validate them (zone count, broker count, instance
# classes, backup days, replica counts); log_retention_days is checked here too,
# since one value reaches every log group.

variable "environment" {
  description = "Environment name (dev, prod): resources are named anonymiser-<environment>, the image repository nhs-anonymiser-<environment> (both validated by the service modules)."
  type        = string
}

variable "az_count" {
  description = "Availability zones used by the network, MSK and RDS (2 or 3)."
  type        = number
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper, not zone-resilient) instead of one per zone."
  type        = bool
}

variable "msk_broker_count" {
  description = "Number of MSK brokers (at least 2, a multiple of az_count)."
  type        = number
}

variable "msk_broker_instance_type" {
  description = "MSK broker instance type (kafka.*)."
  type        = string
}

variable "rds_instance_class" {
  description = "RDS PostgreSQL instance class (db.*)."
  type        = string
}

variable "rds_multi_az" {
  description = "Run RDS with a synchronous standby in a second zone."
  type        = bool
}

variable "rds_backup_days" {
  description = "RDS automated backup retention, in days (7 to 35)."
  type        = number
}

variable "pipeline_desired_count" {
  description = "Pipeline service replicas (at least 2)."
  type        = number
}

variable "registry_desired_count" {
  description = "Schema registry service replicas (1 to 6)."
  type        = number
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group (flow logs, MSK, RDS, ECS, registry, Prometheus), in days."
  type        = number

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 30."
  }
}

# What is deployed, and by whom.

variable "pipeline_image_ref" {
  description = "Image to deploy: a 40-character git SHA tag or an image digest (sha256:...)."
  type        = string

  validation {
    condition     = can(regex("^([0-9a-f]{40}|sha256:[0-9a-f]{64})$", var.pipeline_image_ref))
    error_message = "pipeline_image_ref must be a full git SHA or a sha256 digest."
  }
}

variable "github_repository" {
  description = "GitHub repository (owner/name) allowed to push images through OIDC."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false where another stack in the account already did)."
  type        = bool
  default     = true
}

variable "apicurio_version" {
  description = "Apicurio Registry version mirrored into ECR (mirror/apicurio/apicurio-registry)."
  type        = string
  default     = "3.3.3"

  validation {
    condition     = can(regex("^3\\.[0-9]+\\.[0-9]+$", var.apicurio_version))
    error_message = "apicurio_version must be a 3.x.y release."
  }
}

variable "adot_version" {
  description = "AWS Distro for OpenTelemetry collector version (through the ECR Public pull-through cache)."
  type        = string
  default     = "v0.43.3"

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.adot_version))
    error_message = "adot_version must look like v0.43.3."
  }
}

variable "anonymisation_strategy" {
  description = "pseudonymisation (default, linkable) or redaction; validated by the ecs module."
  type        = string
  default     = "pseudonymisation"
}

variable "enable_synthetic_producer" {
  description = "Run the synthetic producer service. Never in production: envs/prod passes false."
  type        = bool
  default     = false
}
