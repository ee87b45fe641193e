"""Genesys Alibaba Cloud provider plugin: ECS, VPC, SLB, RDS, Function Compute, CDN and an OSS state backend."""

__version__ = "0.1.0"
