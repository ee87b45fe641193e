"""Genesys Alibaba Cloud provider plugin: ECS, VPC, OSS, RDS, Function Compute 3.0, CDN with
CAS certificates, and an OSS state backend."""

__version__ = "0.1.0"
