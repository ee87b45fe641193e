"""Genesys Azure provider plugin.

Served as the executable `genesys-provider-azure` (see `main`). One module per service:
`compute` (virtual machines with their NICs), `network` (virtual networks, subnets, network
security groups), `storage` (storage accounts + blob containers), `database` (PostgreSQL and
MySQL flexible servers), `serverless` (Function Apps), `state_store` (the azureblob state
backend); `tables` holds every translation, naming and price table, `errors` the boundary
where Azure errors become typed protocol errors, `clients` the SDK clients and credential.
"""

from __future__ import annotations

__version__ = "0.1.0"
