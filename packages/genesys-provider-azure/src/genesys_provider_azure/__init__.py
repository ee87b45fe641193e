"""Genesys Azure provider plugin: VMs, managed disks, VNets, load balancers, storage, flexible servers, Function Apps, CDN and an Azure Blob state backend."""

__version__ = "0.1.0"
