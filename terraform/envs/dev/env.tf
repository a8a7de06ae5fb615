# Everything that differs between environments lives in this file; main.tf,
# variables.tf and outputs.tf are identical in envs/dev and envs/prod.
locals {
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

  allow_synthetic_producer = true
}
