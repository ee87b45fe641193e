"""`genesys adopt ADDR ID` (alias `genesys import`): manage an existing resource, unchanged."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from genesys.engine.session import Session
    from genesys.state import ResourceRecord

HELP = "record an existing resource under a config address without changing it"
DESCRIPTION = (
    "Reads the resource with id ID through the provider (read-only) and records it in state "
    "as ADDR, so the next plan shows no create for it, only how the config and the resource "
    "differ. ADDR must be declared in the config, unless --generate-config writes its block."
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("adopt", help=HELP, description=DESCRIPTION)
    add_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from genesys.cli.common import add_config_arg

    add_config_arg(parser)
    parser.add_argument("address", metavar="ADDR", help="config address, e.g. compute.web")
    parser.add_argument(
        "id", metavar="ID", help="the provider's id, e.g. i-0abc123 or a bucket name"
    )
    parser.add_argument(
        "--kind",
        metavar="KIND",
        help="kind when the address allows several (storage: bucket|volume)",
    )
    parser.add_argument(
        "--generate-config",
        action="store_true",
        help="write the resource's block into the config file",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.cli.common import config_path, display_path
    from genesys.discovery import adopt, kinds_for_address
    from genesys.engine.session import Session
    from genesys.errors import GenesysError

    path = config_path(args)
    with Session.open(path, operation="adopt") as session:
        desired = next((d for d in session.desired if d.address == args.address), None)
        if desired is None and not args.generate_config:
            raise GenesysError(
                f"{args.address} is not declared in {display_path(path)}: add its block, or "
                "pass --generate-config to have it written from the resource"
            )
        if desired is not None and args.generate_config:
            raise GenesysError(
                f"{args.address} is already declared in {display_path(path)}; "
                "adopt it without --generate-config"
            )
        kinds = kinds_for_address(args.address, desired, args.kind)
        adopted = adopt(
            session.conn,
            session.state.resources,
            address=args.address,
            resource_id=args.id,
            kinds=kinds,
            provider=session.config.provider_name,
            desired=desired,
            sensitive=session.facts.sensitive,
        )
        notes: list[str] = []
        if args.generate_config:
            notes = _write_block(session, path, adopted.record)
        session.state.commit(adopted.record)
    _report(adopted.record, path, notes, generated=args.generate_config)
    return 0


def _write_block(session: Session, path: Path, record: ResourceRecord) -> list[str]:
    """Insert the block into the config; the record's dependencies follow from it."""
    from genesys.config import expand, load_config
    from genesys.discovery import add_block_to_config, config_block, managed_ids

    block = config_block(
        record.address, record.kind, record.attributes, managed_ids(session.state.resources)
    )
    add_block_to_config(path, session.config.format, block, record.address)
    written = next(d for d in expand(load_config(path)) if d.address == record.address)
    record.dependencies = sorted(written.depends_on)
    return block.notes


def _report(record: ResourceRecord, path: Path, notes: list[str], *, generated: bool) -> None:
    from genesys.cli.common import display_path
    from genesys.discovery import summarize

    summary = summarize(record.kind, record.attributes)
    print(
        f"Adopted {record.kind} {record.id} as {record.address}"
        + (f": {summary}." if summary else ".")
    )
    if generated:
        print(f"Wrote its block to {display_path(path)}.")
        for note in notes:
            print(f"  note: {note}")
    print(
        "Nothing was changed in the cloud. Run `genesys plan` to see how the config and the "
        "resource differ."
    )
