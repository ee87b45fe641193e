"""Genesys Tencent Cloud provider plugin: CVM, CBS, VPC, CLB, PostgreSQL, MySQL, SCF, CDN and a COS state backend."""

__version__ = "0.1.0"
