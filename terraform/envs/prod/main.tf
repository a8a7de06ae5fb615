# prod's values for the platform (the composition is modules/platform):
# three zones, a NAT gateway per zone, three brokers, a Multi-AZ database,
# 35-day backups, and never the synthetic producer.

module "platform" {
  source      = "../../modules/platform"
  environment = "prod"

  az_count                 = 3
  single_nat_gateway       = false
  msk_broker_count         = 3
  msk_broker_instance_type = "kafka.m7g.large"
  rds_instance_class       = "db.m7g.large"
  rds_multi_az             = true
  rds_backup_days          = 35
  pipeline_desired_count   = 2
  registry_desired_count   = 2
  log_retention_days       = 365

  pipeline_image_ref = var.pipeline_image_ref
  github_repository  = var.github_repository

  # The synthetic producer never runs in production: no variable can turn it on.
  enable_synthetic_producer = false
}
