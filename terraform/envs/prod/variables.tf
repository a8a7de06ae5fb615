variable "region" {
  description = "AWS region. Fixed to London for UK data residency of NHS data."
  type        = string
  default     = "eu-west-2"

  validation {
    condition     = var.region == "eu-west-2"
    error_message = "Patient data must stay in the UK: region must be eu-west-2."
  }
}

variable "github_repository" {
  description = "GitHub repository (owner/name) allowed to push images through OIDC."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the GitHub OIDC provider (false when another stack in the account already did)."
  type        = bool
  default     = true
}

variable "pipeline_image_ref" {
  description = "Image to deploy: a 40-character git SHA tag or an image digest (sha256:...)."
  type        = string

  validation {
    condition     = can(regex("^([0-9a-f]{40}|sha256:[0-9a-f]{64})$", var.pipeline_image_ref))
    error_message = "pipeline_image_ref must be a full git SHA or a sha256 digest."
  }
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
  description = "pseudonymisation (default, linkable) or redaction."
  type        = string
  default     = "pseudonymisation"

  validation {
    condition     = contains(["pseudonymisation", "redaction"], var.anonymisation_strategy)
    error_message = "anonymisation_strategy must be pseudonymisation or redaction."
  }
}

variable "enable_synthetic_producer" {
  description = "Run the synthetic producer (ignored in prod, see env.tf)."
  type        = bool
  default     = false
}
