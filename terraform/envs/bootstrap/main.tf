# The state bucket every environment's backend uses (modules/state-bootstrap).
module "state" {
  source      = "../../modules/state-bootstrap"
  bucket_name = var.bucket_name
}
