variable "name_prefix" {
  description = "Prefix for every resource name, e.g. anonymiser-prod."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name_prefix))
    error_message = "name_prefix must be 3-31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "repository_name" {
  description = "Name of the image repository."
  type        = string
  default     = "nhs-anonymiser"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]{1,255}$", var.repository_name))
    error_message = "repository_name must be a valid ECR repository name."
  }
}

variable "data_kms_key_arn" {
  description = "Customer KMS key ARN that encrypts image layers."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.data_kms_key_arn))
    error_message = "data_kms_key_arn must be a KMS key ARN."
  }
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may push images through OIDC."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "github_push_ref" {
  description = "The only Git ref whose workflow runs may assume the push role."
  type        = string
  default     = "refs/heads/main"

  validation {
    condition     = startswith(var.github_push_ref, "refs/")
    error_message = "github_push_ref must be a full ref such as refs/heads/main."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC identity provider (only one may exist per account)."
  type        = bool
  default     = true
}

variable "max_tagged_images" {
  description = "Number of tagged images kept; older ones expire."
  type        = number
  default     = 100

  validation {
    condition     = var.max_tagged_images >= 10
    error_message = "max_tagged_images must be at least 10 so rollbacks stay possible."
  }
}

variable "mirror_repositories" {
  description = "Third-party images copied into this account (immutable, scanned, KMS-encrypted), e.g. apicurio/apicurio-registry."
  type        = set(string)
  default     = ["apicurio/apicurio-registry"]
}
