"""Reading the plugin's handshake line from its stdout, tolerating stray output before it."""

from __future__ import annotations

import queue
import threading
from typing import IO

from genesys.errors import PluginError
from genesys.plugins.logs import PluginLog
from genesys.plugins.process import PluginProcess
from genesys_plugin_sdk import protocol
from genesys_plugin_sdk.protocol import HandshakeLine

CORE_PROTOCOL_VERSIONS: tuple[int, ...] = (1,)
# Output before the handshake line is forwarded to the log, up to this much; more is an error
# (a plugin printing megabytes before announcing itself is broken, and we must not buffer it).
MAX_STDOUT_BEFORE_HANDSHAKE = 1024 * 1024
_MAX_LINE_BYTES = 64 * 1024


def _read_stdout(stream: IO[bytes], log: PluginLog, found: queue.Queue) -> None:
    """Delivers the first handshake/error line (or why none came), then forwards the rest."""
    seen = 0
    announced = False
    for raw in iter(lambda: stream.readline(_MAX_LINE_BYTES), b""):
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not announced:
            seen += len(raw)
            announced = _announcement(line, seen, found)
            if announced:
                continue  # the handshake line itself is not log output
        if line:
            log.forward(line, stream="stdout")
    if not announced:
        found.put(("eof", None))
    stream.close()


def _announcement(line: str, seen: int, found: queue.Queue) -> bool:
    if line.startswith(protocol.ERROR_LINE_PREFIX + "|"):
        found.put(("error", line))
        return True
    try:
        handshake = HandshakeLine.find(line)
    except ValueError as exc:
        found.put(("malformed", f"{exc}: {line!r}"))
        return True
    if handshake is not None:
        found.put(("line", handshake))
        return True
    if seen > MAX_STDOUT_BEFORE_HANDSHAKE:
        found.put(("flood", None))
        return True
    return False


def _unsupported(provider: str, error_line: str, core_versions: tuple[int, ...]) -> str:
    parts = error_line.split("|")
    if len(parts) >= 3 and parts[1] == protocol.ERROR_UNSUPPORTED_VERSIONS:
        theirs = [int(v) for v in parts[2].split(",") if v.strip().isdigit()]
        return (
            f"provider {provider!r} speaks protocol versions {theirs}, core supports "
            f"{list(core_versions)}; install a version of the provider made for this core"
        )
    return f"provider {provider!r} refused to start: {'|'.join(parts[1:])}"


def _check(provider: str, handshake: HandshakeLine, core_versions: tuple[int, ...]) -> None:
    if handshake.core_version != protocol.HANDSHAKE_FORMAT_VERSION:
        raise PluginError(
            f"provider {provider!r} sent handshake format {handshake.core_version}; this core "
            f"reads format {protocol.HANDSHAKE_FORMAT_VERSION}"
        )
    if handshake.protocol_version not in core_versions:
        raise PluginError(
            f"provider {provider!r} chose protocol version {handshake.protocol_version}, "
            f"core supports {list(core_versions)}"
        )


def await_handshake(
    process: PluginProcess, core_versions: tuple[int, ...], timeout: float
) -> HandshakeLine:
    """The plugin's handshake line; kills the plugin and raises PluginError if none comes."""
    assert process.popen.stdout is not None
    found: queue.Queue = queue.Queue()
    threading.Thread(
        target=_read_stdout,
        args=(process.popen.stdout, process.log, found),
        name=f"plugin-{process.provider}-stdout",
        daemon=True,
    ).start()
    try:
        kind, value = found.get(timeout=timeout)
    except queue.Empty:
        process.kill()
        raise PluginError(
            process.crash_message(f"did not complete the handshake within {timeout:g}s")
        ) from None
    if kind == "line":
        try:
            _check(process.provider, value, core_versions)
        except PluginError:
            process.kill()
            raise
        return value  # type: ignore[no-any-return]
    return _fail(process, kind, value, core_versions)


def _fail(process: PluginProcess, kind: str, value: object, core_versions: tuple[int, ...]):
    if kind == "eof" and process.exited(wait=2.0):
        raise PluginError(process.crash_message("exited before completing the handshake"))
    process.kill()
    if kind == "error":
        raise PluginError(_unsupported(process.provider, str(value), core_versions))
    reasons = {
        "eof": "closed its stdout without sending the handshake line",
        "flood": f"printed over {MAX_STDOUT_BEFORE_HANDSHAKE} bytes without a handshake line",
        "malformed": f"sent a malformed handshake line ({value})",
    }
    raise PluginError(process.crash_message(reasons[kind]))
