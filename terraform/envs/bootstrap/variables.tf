variable "bucket_name" {
  description = "Globally unique name of the Terraform state bucket."
  type        = string
}
