# dev's values for the platform (the composition is modules/platform):
# two zones, one NAT gateway, two brokers, a single-AZ database, 7-day backups,
# and the synthetic producer available on request.

module "platform" {
  source      = "../../modules/platform"
  environment = "dev"

  az_count                 = 2
  single_nat_gateway       = true
  msk_broker_count         = 2
  msk_broker_instance_type = "kafka.m5.large"
  rds_instance_class       = "db.t4g.medium"
  rds_multi_az             = false
  rds_backup_days          = 7
  pipeline_desired_count   = 2
  registry_desired_count   = 1
  log_retention_days       = 365

  pipeline_image_ref        = var.pipeline_image_ref
  github_repository         = var.github_repository
  enable_synthetic_producer = var.enable_synthetic_producer
}
