# Secret containers only. Values are written out of band (aws secretsmanager
# put-secret-value) so that no key material or password ever enters Terraform
# state or plan output. See README.md for the keyring format and rotation.

locals {
  secrets = {
    # {"active":"k2","keys":{"k1":"<base64 32+ bytes>","k2":"<base64 32+ bytes>"}}
    hmac-keyring = "HMAC pseudonymisation keyring: active key id plus every key still needed to verify or re-key"
    # {"username":"anonymiser_pipeline","password":"..."}
    db-pipeline = "PostgreSQL credentials of the pipeline's least-privilege role"
    # {"username":"apicurio","password":"..."}
    db-registry = "PostgreSQL credentials of the schema registry's own database"
  }
}

resource "aws_secretsmanager_secret" "this" {
  # checkov:skip=CKV2_AWS_57:Rotation is an operator procedure, not a Lambda: the keyring gains a new active key while old keys stay (see README); the DB role passwords rotate with the documented runbook. The RDS master secret is rotated by RDS itself.
  for_each                = local.secrets
  name                    = "${var.name_prefix}/${each.key}"
  description             = each.value
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
  tags                    = { Purpose = each.key }
}
