variable "name_prefix" {
  description = "Prefix for every resource name, e.g. anonymiser-prod."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name_prefix))
    error_message = "name_prefix must be 3-31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "cluster_arn" {
  description = "ECS cluster that runs the registry."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the registry tasks."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the registry tasks."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "The registry must be spread over at least two subnets."
  }
}

variable "endpoints_security_group_id" {
  description = "Security group of the interface VPC endpoints."
  type        = string
}

variable "s3_prefix_list_id" {
  description = "S3 gateway endpoint prefix list (ECR layers)."
  type        = string
}

variable "image" {
  description = "Apicurio Registry 3.x image copied into the account's ECR (mirror/apicurio/apicurio-registry:<version>)."
  type        = string

  validation {
    condition     = can(regex(":3\\.[0-9]+\\.[0-9]+(@sha256:[0-9a-f]{64})?$", var.image))
    error_message = "image must be an Apicurio Registry 3.x.y tag (optionally with a digest)."
  }
}

variable "pullable_repository_arns" {
  description = "ECR repositories the execution role may pull from."
  type        = list(string)
}

variable "desired_count" {
  description = "Number of registry tasks (stateless: storage is PostgreSQL)."
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= 1 && var.desired_count <= 6
    error_message = "desired_count must be between 1 and 6."
  }
}

variable "client_security_group_ids" {
  description = "Security groups (by role name) allowed to call the registry API on 8080."
  type        = map(string)
}

variable "database" {
  description = "PostgreSQL facts: address, port and security_group_id. The registry uses its own database, registry."
  type = object({
    address           = string
    port              = number
    security_group_id = string
  })
}

variable "db_secret_arn" {
  description = "Secrets Manager ARN of the registry's PostgreSQL credentials (JSON with username and password)."
  type        = string
}

variable "secrets_kms_key_arn" {
  description = "Customer KMS key ARN of the secrets."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer KMS key ARN for the registry log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the registry log group, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 30."
  }
}
