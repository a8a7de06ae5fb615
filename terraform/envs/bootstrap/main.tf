provider "aws" {
  region = "eu-west-2"

  default_tags {
    tags = {
      Project   = "nhs-anonymiser"
      ManagedBy = "terraform"
      Stack     = "state-bootstrap"
    }
  }
}

variable "bucket_name" {
  description = "Globally unique name of the Terraform state bucket."
  type        = string
}

module "state" {
  source      = "../../modules/state-bootstrap"
  bucket_name = var.bucket_name
}

output "bucket_name" {
  description = "Pass to terraform init -backend-config=\"bucket=...\" in every env."
  value       = module.state.bucket_name
}
