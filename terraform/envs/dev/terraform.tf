# Remote state in the bucket made by envs/bootstrap. The bucket name is given
# at init time: terraform init -backend-config="bucket=<state bucket>"
# Locking uses S3 conditional writes (a .tflock object beside the state).
# The Terraform and AWS provider versions are pinned once, in
# modules/platform/versions.tf, and hold for this whole configuration.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }

  backend "s3" {
    key          = "anonymiser/dev/terraform.tfstate"
    region       = "eu-west-2"
    encrypt      = true
    kms_key_id   = "alias/anonymiser-tfstate"
    use_lockfile = true
  }
}
