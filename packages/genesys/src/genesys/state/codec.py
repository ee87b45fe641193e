"""The on-disk formats: snapshot documents and journal lines (docs/state.md describes both).

A snapshot is one JSON document. A journal is a header line followed by one line per
change; each line is compact JSON ending in "\\n", so a crash mid-write leaves at most one
unterminated last line, which readers ignore. With encryption the header fields that
position a blob stay readable and everything else is sealed (see crypto.py).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from genesys.errors import StateError
from genesys.state.crypto import Sealer, journal_entry_aad, journal_header_aad, snapshot_aad
from genesys.state.records import CORE_VERSION, Intent, ResourceRecord

FORMAT = "genesys-state"
FORMAT_VERSION = 1
JOURNAL_VERSION = 1

# Journal operations. Those marked True change the state's content and bump its serial.
OPERATIONS = {
    "intent": False,
    "clear_intent": False,
    "commit": True,
    "forget": True,
    "outputs": True,
    "move": True,
}


@dataclass
class StateData:
    """The state in memory: what a snapshot holds and journal entries change."""

    lineage: str
    serial: int = 0
    seq: int = 0  # number of the last journal entry folded in (never reset)
    resources: dict[str, ResourceRecord] = field(default_factory=dict)
    intents: dict[str, Intent] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)


# What json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False) makes,
# without building an encoder per call (a snapshot of 100,000 resources makes 200,000 calls).
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dumps_compact(value: Any) -> bytes:
    return _COMPACT.encode(value).encode()


# ---------------------------------------------------------------- operations


def apply_op(state: StateData, op: str, value: Any) -> None:
    """Applies one change in memory; replaying a journal calls exactly this."""
    if op == "intent":
        state.intents[value.address] = value
    elif op == "clear_intent":
        state.intents.pop(value, None)
    elif op == "commit":
        state.resources[value.address] = value
        state.intents.pop(value.address, None)
    elif op == "forget":
        state.resources.pop(value, None)
        state.intents.pop(value, None)
    elif op == "outputs":
        state.outputs = value
    elif op == "move":
        _move(state, *value)
    else:
        raise StateError(f"unknown state operation {op!r}")
    if OPERATIONS[op]:
        state.serial += 1


def _move(state: StateData, source: str, target: str) -> None:
    if source not in state.resources or target in state.resources:
        raise StateError(f"cannot move {source} to {target}: no such source or target taken")
    record = state.resources.pop(source)
    record.address = target
    state.resources[target] = record
    intent = state.intents.pop(source, None)
    if intent is not None:
        intent.address = target
        state.intents[target] = intent
    for other in state.resources.values():
        if source in other.dependencies:
            other.dependencies = [target if d == source else d for d in other.dependencies]


def encode_value(op: str, value: Any) -> bytes:
    """The JSON of one operation's value (records and intents carry their address)."""
    if op in ("intent", "commit"):
        return dumps_compact({"address": value.address, **value.to_json()})
    if op in ("forget", "clear_intent"):
        return dumps_compact({"address": value})
    if op == "outputs":
        return dumps_compact({"outputs": value})
    if op == "move":
        return dumps_compact({"from": value[0], "to": value[1]})
    raise StateError(f"unknown state operation {op!r}")


def decode_value(op: str, data: dict[str, Any]) -> Any:
    if op == "intent":
        return Intent.from_json(data["address"], data)
    if op == "commit":
        return ResourceRecord.from_json(data["address"], data)
    if op in ("forget", "clear_intent"):
        return str(data["address"])
    if op == "outputs":
        return dict(data["outputs"])
    if op == "move":
        return (str(data["from"]), str(data["to"]))
    raise ValueError(f"unknown state operation {op!r}")


# ---------------------------------------------------------------- snapshots


def snapshot_body(state: StateData) -> dict[str, Any]:
    """The part of a snapshot that is sealed when encrypted: everything but its position."""
    return {
        "resources": {a: state.resources[a].to_json() for a in sorted(state.resources)},
        "intents": {a: state.intents[a].to_json() for a in sorted(state.intents)},
        "outputs": state.outputs,
    }


def encode_snapshot(state: StateData, sealer: Sealer | None, kdf: dict[str, Any] | None) -> bytes:
    """The snapshot document: one field per line and one resource per line, so it stays
    readable and diffable while every value goes through the fast (C) JSON encoder."""
    envelope: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "lineage": state.lineage,
        "serial": state.serial,
        "seq": state.seq,
        "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "genesys_version": CORE_VERSION,
    }
    try:
        if sealer is None:
            return _layout(envelope, snapshot_body(state))
        aad = snapshot_aad(state.lineage, state.serial, state.seq)
        sealed = sealer.seal(dumps_compact(snapshot_body(state)), aad)
        envelope["encryption"] = {"algorithm": "AES-256-GCM", "kdf": kdf}
        envelope["ciphertext"] = base64.b64encode(sealed).decode("ascii")
        return _layout(envelope, {})
    except (TypeError, ValueError) as err:
        raise StateError(f"state cannot be written as JSON: {err}") from None


def _layout(fields: dict[str, Any], tables: dict[str, dict[str, Any]]) -> bytes:
    encode = _COMPACT.encode  # text throughout, encoded to UTF-8 once at the end
    lines = ["{"]
    items = ["  " + encode(k) + ": " + encode(v) for k, v in fields.items()]
    for name, table in tables.items():
        if table and name != "outputs":
            rows = ["    " + encode(k) + ": " + encode(v) for k, v in table.items()]
            items.append("  " + encode(name) + ": {\n" + ",\n".join(rows) + "\n  }")
        else:
            items.append("  " + encode(name) + ": " + encode(table))
    lines.append(",\n".join(items))
    lines.append("}\n")
    return "\n".join(lines).encode()


def parse_envelope(data: bytes, where: str) -> dict[str, Any]:
    """The snapshot's outer document, checked for format and version."""
    try:
        envelope = json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise StateError(f"state snapshot {where} is corrupted (not valid JSON: {err})") from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise StateError(f"{where} is not a Genesys state snapshot")
    if envelope.get("version") != FORMAT_VERSION:
        raise StateError(
            f"state snapshot {where} has format version {envelope.get('version')}; this "
            f"Genesys reads version {FORMAT_VERSION} (upgrade Genesys)"
        )
    return envelope


def envelope_kdf(envelope: dict[str, Any]) -> dict[str, Any] | None:
    return (envelope.get("encryption") or {}).get("kdf")


def decode_snapshot(envelope: dict[str, Any], where: str, sealer: Sealer | None) -> StateData:
    """The state in a parsed envelope; `sealer` opens it when it is encrypted."""
    try:
        lineage, serial, seq = (
            str(envelope["lineage"]),
            int(envelope["serial"]),
            int(envelope["seq"]),
        )
        body = envelope
        if "encryption" in envelope:
            if sealer is None:
                raise StateError(f"state snapshot {where} is encrypted and no key was given")
            sealed = base64.b64decode(envelope["ciphertext"], validate=True)
            plain = sealer.open(sealed, snapshot_aad(lineage, serial, seq))
            if plain is None:
                raise StateError(
                    f"state snapshot {where} cannot be decrypted: wrong passphrase/key, or the "
                    "file was altered (its lineage, serial or content no longer match)"
                )
            body = json.loads(plain)
        resources = {a: ResourceRecord.from_json(a, r) for a, r in body["resources"].items()}
        intents = {a: Intent.from_json(a, i) for a, i in body.get("intents", {}).items()}
        outputs = dict(body.get("outputs", {}))
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as err:
        raise StateError(
            f"state snapshot {where} is corrupted ({type(err).__name__}: {err})"
        ) from None
    return StateData(lineage, serial, seq, resources, intents, outputs)


# ---------------------------------------------------------------- journal lines


def encode_journal_header(
    lineage: str, base_seq: int, snapshot_sha256: str, sealer: Sealer | None
) -> bytes:
    if sealer is None:
        header = {
            "journal": JOURNAL_VERSION,
            "lineage": lineage,
            "base_seq": base_seq,
            "snapshot_sha256": snapshot_sha256,
        }
    else:
        inner = dumps_compact({"lineage": lineage, "snapshot_sha256": snapshot_sha256})
        sealed = sealer.seal(inner, journal_header_aad(lineage, base_seq))
        header = {
            "journal": JOURNAL_VERSION,
            "base_seq": base_seq,
            "sealed": base64.b64encode(sealed).decode("ascii"),
        }
    return dumps_compact(header) + b"\n"


def decode_journal_header(
    line: bytes, where: str, lineage: str, base_seq: int, sealer: Sealer | None
) -> str:
    """The snapshot digest the journal was started on; checks lineage and position."""
    try:
        header = json.loads(line)
        if header.get("journal") != JOURNAL_VERSION or int(header["base_seq"]) != base_seq:
            raise ValueError("not a journal header for this position")
        if sealer is not None:
            if "sealed" not in header:
                raise StateError(f"state journal {where} is not encrypted but the state is")
            inner = sealer.open(
                base64.b64decode(header["sealed"]), journal_header_aad(lineage, base_seq)
            )
            if inner is None:
                raise StateError(
                    f"state journal {where} does not belong to this state (its header fails "
                    "to verify: another lineage, a replayed journal, or the wrong key)"
                )
            header = json.loads(inner)
        elif "sealed" in header:
            raise StateError(f"state journal {where} is encrypted but the snapshot is not")
        if header["lineage"] != lineage:
            raise StateError(f"state journal {where} belongs to another state (lineage differs)")
        return str(header["snapshot_sha256"])
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as err:
        raise StateError(f"state journal {where} has a corrupted header ({err})") from None


def encode_journal_entry(
    lineage: str, serial: int, seq: int, op: str, value_json: bytes, sealer: Sealer | None
) -> bytes:
    """One journal line. `value_json` comes from encode_value (built outside any lock)."""
    if sealer is None:
        return b'{"seq":%d,"op":"%s","v":%s}\n' % (seq, op.encode(), value_json)
    inner = b'{"op":"%s","v":%s}' % (op.encode(), value_json)
    sealed = sealer.seal(inner, journal_entry_aad(lineage, serial, seq))
    return b'{"seq":%d,"sealed":"%s"}\n' % (seq, base64.b64encode(sealed))


def decode_journal_entry(
    line: bytes, where: str, lineage: str, serial: int, seq: int, sealer: Sealer | None
) -> tuple[str, Any]:
    """(op, value) of the line expected at position `seq` with the state at `serial`."""
    try:
        entry = json.loads(line)
        found = int(entry["seq"])
        if found != seq:
            raise StateError(
                f"state journal {where} holds entry {found} where entry {seq} belongs "
                "(a duplicated, reordered or replayed entry); refusing to load it"
            )
        if sealer is not None:
            if "sealed" not in entry:
                raise StateError(f"state journal {where}: entry {seq} is not encrypted")
            inner = sealer.open(
                base64.b64decode(entry["sealed"]), journal_entry_aad(lineage, serial, seq)
            )
            if inner is None:
                raise StateError(
                    f"state journal {where}: entry {seq} fails to verify (replayed from "
                    "another position or state, or altered); refusing to load it"
                )
            entry = json.loads(inner)
        elif "sealed" in entry:
            raise StateError(
                f"state journal {where}: entry {seq} is encrypted but the snapshot is not"
            )
        op = str(entry["op"])
        return op, decode_value(op, entry["v"])
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as err:
        raise StateError(f"state journal {where}: entry {seq} is corrupted ({err})") from None
