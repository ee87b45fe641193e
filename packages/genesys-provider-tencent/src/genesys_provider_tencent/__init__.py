"""Genesys Tencent Cloud provider plugin: CVM, VPC, COS, TencentDB for PostgreSQL, SCF, CDN,
SSL certificates and a COS state backend."""

__version__ = "0.1.0"
