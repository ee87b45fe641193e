"""The quickstart's function: reports where its database is."""

import os


def handler(event, context=None):
    return {"db_host": os.environ.get("DB_HOST"), "echo": event}
