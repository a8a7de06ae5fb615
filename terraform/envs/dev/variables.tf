variable "pipeline_image_ref" {
  description = "Image to run in dev: a 40-character git SHA tag or a sha256 digest in nhs-anonymiser-dev."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose main branch may push to dev's image repositories."
  type        = string
}

variable "enable_synthetic_producer" {
  description = "Run the synthetic producer in dev."
  type        = bool
  default     = false
}
