"""`genesys fmt`: rewrite a config file in canonical layout (comments and values kept)."""

from __future__ import annotations

import argparse
import sys

from genesys.cli.common import add_config_arg, config_display_name

EXIT_NEEDS_FORMAT = 3  # as `terraform fmt -check`


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "fmt",
        help="rewrite a config file in canonical form",
        description="Rewrites the config in canonical layout, keeping comments, key order "
        "and values. With --check, changes nothing and exits 3 if the file needs formatting.",
    )
    add_config_arg(parser)
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 3 if formatting is needed"
    )
    parser.add_argument("--diff", action="store_true", help="show the changes as a diff")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import difflib
    from pathlib import Path

    from genesys.config.diagnostics import Diagnostic
    from genesys.config.fmt import FormatError, format_text
    from genesys.config.source import detect_format, read_text
    from genesys.config.yaml_source import SourceProblem
    from genesys.errors import ConfigError, GenesysError

    name = config_display_name(args)
    path = Path(name)
    try:
        original = read_text(path)
        formatted = format_text(original, detect_format(path, original))
    except SourceProblem as problem:
        raise ConfigError(
            [Diagnostic(name, problem.line, problem.column, "", problem.message)]
        ) from None
    except FormatError as err:
        raise GenesysError(f"{name}: {err}") from None
    if args.diff and formatted != original:
        sys.stdout.writelines(
            difflib.unified_diff(
                original.splitlines(keepends=True),
                formatted.splitlines(keepends=True),
                fromfile=f"{name} (original)",
                tofile=f"{name} (formatted)",
            )
        )
    if formatted == original:
        return 0
    if args.check:
        print(f"{name} needs formatting (run `genesys fmt -c {name}`)", file=sys.stderr)
        return EXIT_NEEDS_FORMAT
    try:
        path.write_text(formatted)
    except OSError as err:
        raise GenesysError(f"cannot write {name}: {err.strerror or err}") from None
    print(name)
    return 0
