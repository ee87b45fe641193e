from __future__ import annotations

import json
import logging
from pathlib import Path

from genesys.logs import configure_logging


def test_off_by_default_and_json_lines_when_asked(tmp_path: Path) -> None:
    root = logging.getLogger("genesys")
    saved = (root.handlers[:], root.level, root.propagate)
    try:
        configure_logging({})
        assert not logging.getLogger("genesys.apply").isEnabledFor(logging.INFO)

        path = tmp_path / "genesys.log"
        configure_logging({"GENESYS_LOG": "debug", "GENESYS_LOG_PATH": str(path)})
        logging.getLogger("genesys.apply").debug("create %s done", "storage.b")
        logging.getLogger("genesys.plugin").info("from plugin", extra={"provider": "local"})
        for handler in root.handlers:
            handler.flush()
        lines = [json.loads(line) for line in path.read_text().splitlines()]
        assert lines[0]["event"] == "create storage.b done" and lines[0]["level"] == "debug"
        assert lines[1]["provider"] == "local" and lines[1]["logger"] == "genesys.plugin"
    finally:
        root.handlers, root.level, root.propagate = saved
