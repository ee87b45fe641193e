"""Genesys AWS provider plugin.

Served as the executable `genesys-provider-aws` (see `main`). One module per service:
`compute` (EC2), `storage` (S3 `buckets`, EBS `volumes`), `network` (`vpc`, `security_groups`,
`load_balancers`, `cdn`), `database` (RDS), `serverless` (Lambda + `layers`), `state_store`
(the s3 state backend); `tables` holds every translation and price table, `errors` the one
boundary where AWS errors become typed protocol errors, `clients` the boto3 session.
"""

from __future__ import annotations

__version__ = "0.1.0"
