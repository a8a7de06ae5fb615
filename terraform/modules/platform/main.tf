# The platform: every service module, wired together. Each environment
# (envs/dev, envs/prod) calls this module once with its own sizing; nothing
# here differs between environments. The calling environment configures the
# AWS provider (eu-west-2, default tags from output.default_tags).
locals {
  name_prefix = "anonymiser-${var.environment}"
  image = startswith(var.pipeline_image_ref, "sha256:") ? (
    "${module.ecr.repository_url}@${var.pipeline_image_ref}"
  ) : "${module.ecr.repository_url}:${var.pipeline_image_ref}"
}

module "kms" {
  source      = "../kms"
  name_prefix = local.name_prefix
}

module "network" {
  source                  = "../network"
  name_prefix             = local.name_prefix
  az_count                = var.az_count
  single_nat_gateway      = var.single_nat_gateway
  logs_kms_key_arn        = module.kms.logs_key_arn
  flow_log_retention_days = var.log_retention_days
}

module "ecr" {
  source                      = "../ecr"
  name_prefix                 = local.name_prefix
  repository_name             = "nhs-anonymiser-${var.environment}"
  data_kms_key_arn            = module.kms.data_key_arn
  github_repository           = var.github_repository
  create_github_oidc_provider = var.create_github_oidc_provider
}

module "secrets" {
  source              = "../secrets"
  name_prefix         = local.name_prefix
  secrets_kms_key_arn = module.kms.secrets_key_arn
}

module "observability" {
  source             = "../observability"
  name_prefix        = local.name_prefix
  data_kms_key_arn   = module.kms.data_key_arn
  logs_kms_key_arn   = module.kms.logs_key_arn
  log_retention_days = var.log_retention_days
}

module "msk" {
  source               = "../msk"
  name_prefix          = local.name_prefix
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  broker_count         = var.msk_broker_count
  broker_instance_type = var.msk_broker_instance_type
  data_kms_key_arn     = module.kms.data_key_arn
  logs_kms_key_arn     = module.kms.logs_key_arn
  log_retention_days   = var.log_retention_days
  client_security_group_ids = {
    pipeline = module.ecs.security_group_ids["pipeline"]
    producer = module.ecs.security_group_ids["producer"]
  }
}

module "rds" {
  source                = "../rds"
  name_prefix           = local.name_prefix
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.private_subnet_ids
  instance_class        = var.rds_instance_class
  multi_az              = var.rds_multi_az
  backup_retention_days = var.rds_backup_days
  data_kms_key_arn      = module.kms.data_key_arn
  secrets_kms_key_arn   = module.kms.secrets_key_arn
  logs_kms_key_arn      = module.kms.logs_key_arn
  log_retention_days    = var.log_retention_days
  client_security_group_ids = {
    pipeline        = module.ecs.security_group_ids["pipeline"]
    schema-registry = module.registry.security_group_id
  }
}

module "registry" {
  source                      = "../registry"
  name_prefix                 = local.name_prefix
  cluster_arn                 = module.ecs.cluster_arn
  vpc_id                      = module.network.vpc_id
  subnet_ids                  = module.network.private_subnet_ids
  endpoints_security_group_id = module.network.endpoints_security_group_id
  s3_prefix_list_id           = module.network.s3_prefix_list_id
  image                       = "${module.ecr.registry_host}/mirror/apicurio/apicurio-registry:${var.apicurio_version}"
  pullable_repository_arns    = module.ecr.pullable_repository_arns
  desired_count               = var.registry_desired_count
  db_secret_arn               = module.secrets.db_registry_secret_arn
  secrets_kms_key_arn         = module.kms.secrets_key_arn
  logs_kms_key_arn            = module.kms.logs_key_arn
  log_retention_days          = var.log_retention_days
  database = {
    address           = module.rds.address
    port              = module.rds.port
    security_group_id = module.rds.security_group_id
  }
  client_security_group_ids = module.ecs.security_group_ids
}

module "ecs" {
  source                      = "../ecs"
  name_prefix                 = local.name_prefix
  vpc_id                      = module.network.vpc_id
  subnet_ids                  = module.network.private_subnet_ids
  endpoints_security_group_id = module.network.endpoints_security_group_id
  s3_prefix_list_id           = module.network.s3_prefix_list_id
  image                       = local.image
  adot_image                  = "${module.ecr.registry_host}/ecr-public/aws-observability/aws-otel-collector:${var.adot_version}"
  pullable_repository_arns    = module.ecr.pullable_repository_arns
  logs_kms_key_arn            = module.kms.logs_key_arn
  secrets_kms_key_arn         = module.kms.secrets_key_arn
  log_retention_days          = var.log_retention_days
  keyring_secret_arn          = module.secrets.hmac_keyring_secret_arn
  db_secret_arn               = module.secrets.db_pipeline_secret_arn
  pipeline_desired_count      = var.pipeline_desired_count
  anonymisation_strategy      = var.anonymisation_strategy
  enable_synthetic_producer   = var.enable_synthetic_producer

  msk = {
    arn               = module.msk.cluster_arn
    name              = module.msk.cluster_name
    uuid              = module.msk.cluster_uuid
    bootstrap         = module.msk.bootstrap_brokers_sasl_iam
    security_group_id = module.msk.security_group_id
  }
  database = {
    address           = module.rds.address
    port              = module.rds.port
    name              = module.rds.database_name
    security_group_id = module.rds.security_group_id
  }
  schema_registry = {
    url               = module.registry.url
    port              = module.registry.port
    security_group_id = module.registry.security_group_id
  }
  prometheus = {
    arn              = module.observability.prometheus_workspace_arn
    remote_write_url = module.observability.prometheus_remote_write_url
  }
}
