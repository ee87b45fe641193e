"""Runs one invocation of a Python function handler; started by genesys_provider_local.invoke.

    python python_handler.py CODE_DIR MODULE.FUNCTION RESULT_FILE   (event JSON on stdin)

Writes {"ok": true, "result": ...} or {"ok": false, "error": "Type: message"} to RESULT_FILE;
the handler's own prints go to stdout/stderr (the invocation's logs). Stdlib only, and
compatible with every Python 3 a function may ask for.
"""

import importlib
import json
import os
import sys
import time
import traceback


class Context:
    """The handler's second argument, shaped like AWS Lambda's context object."""

    def __init__(self):
        self.function_name = os.environ.get("GENESYS_FUNCTION_NAME", "")
        self.memory_limit_in_mb = int(os.environ.get("GENESYS_FUNCTION_MEMORY_MB", "128"))
        self.aws_request_id = os.environ.get("GENESYS_REQUEST_ID", "")
        self.invoked_function_arn = ""
        self._deadline_ms = int(os.environ.get("GENESYS_FUNCTION_DEADLINE_MS", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def main():
    code_dir, handler, result_path = sys.argv[1:4]
    sys.path[0] = code_dir  # the handler's code, not this bootstrap's directory, comes first
    raw = sys.stdin.buffer.read()
    try:
        event = json.loads(raw) if raw.strip() else None
        module_name, _, function_name = handler.rpartition(".")
        module = importlib.import_module(module_name.replace("/", "."))
        function = getattr(module, function_name)
        outcome = json.dumps({"ok": True, "result": function(event, Context())})
    except BaseException as exc:
        traceback.print_exc()
        outcome = json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    sys.stdout.flush()
    with open(result_path, "w") as out:
        out.write(outcome)


if __name__ == "__main__":
    main()
