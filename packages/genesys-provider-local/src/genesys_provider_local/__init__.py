"""Genesys local provider plugin."""
