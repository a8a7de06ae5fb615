# London only (UK data residency for patient data). The default tags come from
# the platform module, which derives them from the environment name alone, so
# they are known before any resource is planned.
provider "aws" {
  region = "eu-west-2"

  default_tags {
    tags = module.platform.default_tags
  }
}
