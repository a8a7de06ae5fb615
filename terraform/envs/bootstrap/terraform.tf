# The bootstrap stack keeps its own state in the bucket it creates. First run
# only: create bootstrap_override.tf containing terraform { backend "local" {} },
# apply, delete the override, then terraform init -migrate-state
# -backend-config="bucket=<bucket_name>". See README.md.
# The Terraform and AWS provider versions are pinned once, in
# modules/state-bootstrap/versions.tf, and hold for this whole configuration.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }

  backend "s3" {
    key          = "anonymiser/bootstrap/terraform.tfstate"
    region       = "eu-west-2"
    encrypt      = true
    kms_key_id   = "alias/anonymiser-tfstate"
    use_lockfile = true
  }
}
