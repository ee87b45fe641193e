"""`genesys` entry point: parses arguments and dispatches to one command module.

Each module in `genesys.cli.commands` exposes `register(subparsers)` and sets
`func=run` on its parser. Command modules import heavy things (grpc, pydantic, the engine)
inside `run`, so `genesys --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from genesys.cli import commands

VERSION = "0.1.0"


class _Parser(argparse.ArgumentParser):
    """argparse, plus a "did you mean" for a mistyped command (`genesys pln`)."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        if "invalid choice:" in message and "argument COMMAND" in message:
            import difflib

            word = message.split("invalid choice: ", 1)[1].split(" ", 1)[0].strip("'")
            choices = sorted(self._command_names())
            close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
            if close:
                message = f"unknown command '{word}' (did you mean '{close[0]}'?)"
        super().error(message)

    def format_help(self) -> str:
        """The top-level help says which provider plugins are installed here (looked up only
        when help is shown: every other run stays as fast)."""
        text = super().format_help()
        if self.prog != "genesys":
            return text
        from genesys.config.installed import installed_names

        names = installed_names()
        shown = ", ".join(names) if names else "none (install genesys-provider-aws, ...)"
        return f"{text}\nInstalled provider plugins: {shown}.\n"

    def _command_names(self) -> list[str]:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return list(action.choices)
        return []


def _add_global_flags(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """--no-color is accepted before and after the command (`genesys plan --no-color`).
    On commands its default is SUPPRESS, so it never overwrites the top-level value."""
    parser.add_argument(
        "--no-color",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="disable colored output",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="genesys",
        description="One config, any cloud: plan and apply infrastructure on AWS, GCP, Azure, "
        "Alibaba, Tencent or your own machine.",
        epilog="Logs: GENESYS_LOG=debug|info|warn|error shows the core's and every provider "
        "plugin's logs as JSON lines on stderr (GENESYS_LOG_PATH=FILE writes them to a file "
        "instead); plugins are told the level in GENESYS_PLUGIN_LOG_LEVEL.",
    )
    parser.add_argument("--version", action="version", version=f"genesys {VERSION}")
    _add_global_flags(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"genesys.cli.commands.{info.name}")
        module.register(sub)
    for command in set(sub.choices.values()):
        _add_global_flags(command, top=False)
        for action in command._actions:  # nested commands: `state list`, `provider test`
            if isinstance(action, argparse._SubParsersAction):
                for nested in set(action.choices.values()):
                    _add_global_flags(nested, top=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.no_color:
        os.environ["NO_COLOR"] = "1"
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    from genesys.errors import GenesysError
    from genesys.logs import LEVELS, configure_logging
    from genesys.redaction import redact
    from genesys_plugin_sdk.errors import ProviderError

    wanted = os.environ.get("GENESYS_LOG", "").strip().lower()
    if wanted and wanted != "off" and wanted not in LEVELS:
        known = ", ".join([*LEVELS, "off"])
        print(f"Error: GENESYS_LOG={wanted!r} is not a log level ({known})", file=sys.stderr)
        return 1
    configure_logging()

    try:
        with _sigterm_interrupts():
            return int(args.func(args) or 0)
    except GenesysError as err:
        print(f"Error: {redact(str(err))}", file=sys.stderr)
        return 1
    except ProviderError as err:  # a plugin's typed error no command put in context
        where = f" (attribute {err.attribute_path})" if err.attribute_path else ""
        said = redact(f"{err}{where}")
        print(f"Error: the provider answered {type(err).__name__}: {said}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `genesys state list | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        # Session context managers have released the state lock on the way out.
        print(f"Interrupted: genesys {args.command} stopped.", file=sys.stderr)
        return 130


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a CI job cancelled, `kill PID`) stops a command as Ctrl-C does: cleanly,
    releasing the lock, exit 130; not the interpreter's default of dying on the spot."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread (main() called from a worker): leave it be
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
