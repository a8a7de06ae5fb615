variable "name_prefix" {
  description = "Prefix for every resource name, e.g. anonymiser-prod."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name_prefix))
    error_message = "name_prefix must be 3-31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "VPC that hosts the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the DB subnet group (at least two AZs)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "The DB subnet group needs at least two subnets in different AZs."
  }
}

variable "client_security_group_ids" {
  description = "Security groups (by role name) allowed to reach PostgreSQL on 5432."
  type        = map(string)
}

variable "engine_version" {
  description = "PostgreSQL engine version; must stay on major version 16."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^16(\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be PostgreSQL 16 (\"16\" or \"16.x\")."
  }
}

variable "instance_class" {
  description = "Instance class (Performance Insights needs db.t4g.medium or larger)."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = can(regex("^db\\.", var.instance_class)) && !contains(["db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"], var.instance_class)
    error_message = "instance_class must be a db.* class that supports Performance Insights (not micro/small)."
  }
}

variable "allocated_storage_gib" {
  description = "Initial storage, in GiB."
  type        = number
  default     = 50

  validation {
    condition     = var.allocated_storage_gib >= 20
    error_message = "allocated_storage_gib must be at least 20."
  }
}

variable "max_allocated_storage_gib" {
  description = "Storage autoscaling ceiling, in GiB."
  type        = number
  default     = 500

  validation {
    condition     = var.max_allocated_storage_gib >= 20
    error_message = "max_allocated_storage_gib must be at least 20."
  }
}

variable "multi_az" {
  description = "Run a synchronous standby in a second AZ."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Automated backup retention, in days."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "database_name" {
  description = "Initial database for the anonymised records."
  type        = string
  default     = "anonymised"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lower-case PostgreSQL identifier."
  }
}

variable "master_username" {
  description = "Administrator user name; its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "anonymiser_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.master_username)) && var.master_username != "postgres"
    error_message = "master_username must be a lower-case identifier other than postgres."
  }
}

variable "data_kms_key_arn" {
  description = "Customer KMS key ARN for storage and Performance Insights."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.data_kms_key_arn))
    error_message = "data_kms_key_arn must be a KMS key ARN."
  }
}

variable "secrets_kms_key_arn" {
  description = "Customer KMS key ARN for the RDS-managed master user secret."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer KMS key ARN for the exported PostgreSQL log groups."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the exported PostgreSQL log groups, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 30."
  }
}
