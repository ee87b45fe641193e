"""`genesys init`'s starting project: every resource kind on the local provider.

`examples/quickstart/` is exactly what `genesys init` writes (a test keeps them equal).
"""

from __future__ import annotations

from pathlib import Path

CONFIG = """\
# A Genesys project on the local provider: every resource kind, real and on this machine.
# Switch clouds by changing `provider:` (and region).
provider: local
region: local

resources:
  network:
    - name: main-vpc
      cidr: 10.0.0.0/16
      subnets:
        - name: public
          cidr: 10.0.1.0/24
          public: true
        - name: private
          cidr: 10.0.2.0/24
      security_groups:
        - name: web-sg
          description: web traffic in
          ingress:
            - protocol: tcp
              from_port: 80
              to_port: 80
              cidr_blocks: [0.0.0.0/0]

  compute:
    - name: web-server
      type: small
      image: ubuntu-lts
      count: 2
      network: main-vpc
      subnet: public
      security_groups: [web-sg]
      user_data: |
        #!/bin/sh
        echo "web server up"
      tags:
        Environment: dev
        Team: platform

  storage:
    - name: app-data
      type: bucket
      versioning: true
      encryption: true
      tags:
        Environment: dev
        Team: platform
    - name: scratch
      type: volume
      size_gb: 1
      attach_to: web-server[0]

  database:
    - name: app-db
      engine: sqlite
      version: "3"
      size: small
      storage: 1

  serverless:
    - name: api-handler
      runtime: python3.11
      handler: main.handler
      source: ./functions/api
      memory: 128
      timeout: 10
      environment:
        DB_HOST: ${database.app-db.endpoint}

outputs:
  db_endpoint: ${database.app-db.endpoint}
  web_ip: ${compute.web-server[0].private_ip}
"""

HANDLER = '''\
"""The quickstart's function: reports where its database is."""

import os


def handler(event, context=None):
    return {"db_host": os.environ.get("DB_HOST"), "echo": event}
'''

FILES = {
    "genesys.yaml": CONFIG,
    "functions/api/main.py": HANDLER,
}


def write_project(directory: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the starting project; existing files are kept unless `overwrite`."""
    written = []
    for relative, text in FILES.items():
        path = directory / relative
        if path.exists() and not overwrite:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
