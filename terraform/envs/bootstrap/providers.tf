# London only, like every environment.
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
