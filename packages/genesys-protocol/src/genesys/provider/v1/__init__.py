"""Generated stubs of the Genesys provider protocol v1 (see proto/)."""
