variable "name_prefix" {
  description = "Prefix for every resource name, e.g. anonymiser-prod."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name_prefix))
    error_message = "name_prefix must be 3-31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the tasks (no public IPs are ever assigned)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Tasks must be spread over at least two subnets."
  }
}

variable "endpoints_security_group_id" {
  description = "Security group of the interface VPC endpoints (tasks may send HTTPS to it)."
  type        = string
}

variable "s3_prefix_list_id" {
  description = "S3 gateway endpoint prefix list (ECR layers are downloaded from S3)."
  type        = string
}

variable "image" {
  description = "Pipeline image, <repository_url>:<git sha> or <repository_url>@sha256:<digest>; never latest."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+/[a-z0-9._/-]+(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?$", var.image)) && (can(regex("@sha256:", var.image)) || can(regex(":[A-Za-z0-9._-]+$", var.image))) && !endswith(var.image, ":latest")
    error_message = "image must carry an immutable tag or a digest, and must not be latest."
  }
}

variable "adot_image" {
  description = "AWS Distro for OpenTelemetry collector image (pulled through the account's ECR pull-through cache)."
  type        = string

  validation {
    condition     = !endswith(var.adot_image, ":latest") && can(regex(":[A-Za-z0-9._-]+$|@sha256:[0-9a-f]{64}$", var.adot_image))
    error_message = "adot_image must carry a version tag or digest, not latest."
  }
}

variable "pullable_repository_arns" {
  description = "ECR repositories the execution roles may pull from."
  type        = list(string)
}

variable "logs_kms_key_arn" {
  description = "Customer KMS key ARN for the task log groups."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "secrets_kms_key_arn" {
  description = "Customer KMS key ARN of the secrets (the pipeline execution role may decrypt through Secrets Manager only)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the task log groups, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 30."
  }
}

variable "keyring_secret_arn" {
  description = "Secrets Manager ARN of the HMAC keyring."
  type        = string
}

variable "db_secret_arn" {
  description = "Secrets Manager ARN of the pipeline's PostgreSQL credentials (JSON with username and password)."
  type        = string
}

variable "msk" {
  description = "MSK cluster facts: arn, name, uuid, bootstrap (IAM/TLS brokers) and security_group_id."
  type = object({
    arn               = string
    name              = string
    uuid              = string
    bootstrap         = string
    security_group_id = string
  })
}

variable "database" {
  description = "PostgreSQL facts: address, port, name and security_group_id."
  type = object({
    address           = string
    port              = number
    name              = string
    security_group_id = string
  })
}

variable "schema_registry" {
  description = "Schema registry facts: url (Confluent-compatible API), port and security_group_id."
  type = object({
    url               = string
    port              = number
    security_group_id = string
  })
}

variable "prometheus" {
  description = "Amazon Managed Prometheus workspace: arn and remote_write_url."
  type = object({
    arn              = string
    remote_write_url = string
  })
}

variable "pipeline_desired_count" {
  description = "Number of pipeline tasks (consumer group members)."
  type        = number
  default     = 2

  validation {
    condition     = var.pipeline_desired_count >= 2
    error_message = "pipeline_desired_count must be at least 2 so one task can fail or deploy without an outage."
  }
}

variable "pipeline_cpu" {
  description = "Fargate CPU units of a pipeline task."
  type        = number
  default     = 1024

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.pipeline_cpu)
    error_message = "pipeline_cpu must be a Fargate CPU size."
  }
}

variable "pipeline_memory" {
  description = "Memory (MiB) of a pipeline task."
  type        = number
  default     = 2048

  validation {
    condition     = var.pipeline_memory >= 512 && var.pipeline_memory <= 30720
    error_message = "pipeline_memory must be between 512 and 30720 MiB."
  }
}

variable "anonymisation_strategy" {
  description = "Anonymisation strategy of the pipeline."
  type        = string
  default     = "pseudonymisation"

  validation {
    condition     = contains(["pseudonymisation", "redaction"], var.anonymisation_strategy)
    error_message = "anonymisation_strategy must be pseudonymisation or redaction."
  }
}

variable "log_level" {
  description = "Application log level."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["fatal", "error", "warn", "info", "debug"], var.log_level)
    error_message = "log_level must be one of fatal, error, warn, info, debug."
  }
}

variable "topics" {
  description = "Kafka topic and consumer group names."
  type = object({
    raw            = string
    anonymised     = string
    dead_letter    = string
    consumer_group = string
  })
  default = {
    raw            = "patient-records-raw"
    anonymised     = "patient-records-anonymised"
    dead_letter    = "patient-records-dlq"
    consumer_group = "anonymiser"
  }
}

variable "enable_synthetic_producer" {
  description = "Run the synthetic record producer service. Never in production."
  type        = bool
  default     = false
}

variable "producer_rate" {
  description = "Records per second sent by the synthetic producer."
  type        = number
  default     = 50

  validation {
    condition     = var.producer_rate > 0 && var.producer_rate <= 10000
    error_message = "producer_rate must be between 1 and 10000."
  }
}
