"""Genesys GCP provider plugin: Compute Engine, Cloud Storage, Cloud SQL, Cloud Functions,
Cloud CDN and a GCS state backend."""

__version__ = "0.1.0"
