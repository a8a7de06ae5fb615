variable "name_prefix" {
  description = "Prefix for every resource name, e.g. anonymiser-prod."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name_prefix))
    error_message = "name_prefix must be 3-31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "VPC that hosts the brokers."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets, one per AZ; the broker count must be a multiple of their number."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "MSK must span at least two availability zones."
  }
}

variable "client_security_group_ids" {
  description = "Security groups (by role name) allowed to reach the IAM/TLS broker port 9098 and nothing else."
  type        = map(string)
}

variable "kafka_version" {
  description = "Apache Kafka version offered by MSK."
  type        = string
  default     = "3.9.x"

  validation {
    condition     = can(regex("^[34]\\.[0-9]+\\.", var.kafka_version))
    error_message = "kafka_version must be an MSK 3.x or 4.x version string."
  }
}

variable "broker_count" {
  description = "Number of brokers (at least 2, spread over the subnets' AZs)."
  type        = number
  default     = 3

  validation {
    condition     = var.broker_count >= 2
    error_message = "broker_count must be at least 2 (multi-AZ)."
  }
}

variable "broker_instance_type" {
  description = "Broker instance type."
  type        = string
  default     = "kafka.m7g.large"

  validation {
    condition     = can(regex("^kafka\\.", var.broker_instance_type))
    error_message = "broker_instance_type must be a kafka.* instance type."
  }
}

variable "broker_volume_gib" {
  description = "EBS storage per broker, in GiB."
  type        = number
  default     = 100

  validation {
    condition     = var.broker_volume_gib >= 10 && var.broker_volume_gib <= 16384
    error_message = "broker_volume_gib must be between 10 and 16384."
  }
}

variable "data_kms_key_arn" {
  description = "Customer KMS key ARN for encryption at rest."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.data_kms_key_arn))
    error_message = "data_kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer KMS key ARN for the broker log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the broker log group, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 30."
  }
}
