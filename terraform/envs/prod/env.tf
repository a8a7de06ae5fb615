# Everything that differs between environments lives in this file; main.tf,
# variables.tf and outputs.tf are identical in envs/dev and envs/prod.
locals {
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

  # The synthetic producer never runs in production, whatever the variable says.
  allow_synthetic_producer = false
}
