variable "pipeline_image_ref" {
  description = "Release to deploy to prod: a 40-character git SHA tag or a sha256 digest in nhs-anonymiser-prod."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose main branch may push to prod's image repositories."
  type        = string
}
