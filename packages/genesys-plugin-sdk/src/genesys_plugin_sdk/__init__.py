"""Write Genesys provider plugins in Python."""
