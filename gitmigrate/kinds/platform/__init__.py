"""The platform kind: generated infrastructure files (Compose -> Kubernetes, Terraform across clouds) as steps."""
