"""Platform migrations: what a repository runs on (scan), Compose to Kubernetes, cloud services
and Terraform from one provider to another, and where a Python monolith could split."""
