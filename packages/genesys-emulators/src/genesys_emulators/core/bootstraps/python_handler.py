"""Runs one invocation of a Python handler: `python python_handler.py CODE_DIR MODULE.FUNC OUT`.

The event is JSON on stdin; {"ok": true, "result": ...} or {"ok": false, "error": "..."}
goes to OUT, so the handler may print freely. Stdlib only.
"""

import importlib
import json
import sys
import traceback


class Context:
    def __init__(self):
        self.function_name = ""
        self.aws_request_id = ""

    def get_remaining_time_in_millis(self):
        return 0


def main():
    code_dir, handler, out_path = sys.argv[1:4]
    sys.path[0] = code_dir
    raw = sys.stdin.buffer.read()
    try:
        event = json.loads(raw) if raw.strip() else None
        module_name, _, function_name = handler.rpartition(".")
        function = getattr(importlib.import_module(module_name.replace("/", ".")), function_name)
        outcome = {"ok": True, "result": function(event, Context())}
    except BaseException as exc:
        traceback.print_exc()
        outcome = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.flush()
    with open(out_path, "w") as out:
        json.dump(outcome, out)


if __name__ == "__main__":
    main()
