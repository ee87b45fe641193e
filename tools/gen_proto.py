"""Regenerate (or check) the committed Python stubs of the provider protocol.

    uv run python tools/gen_proto.py          # rewrite packages/genesys-protocol/src/...
    uv run python tools/gen_proto.py --check  # exit 1 if the committed stubs are stale

Stubs are generated into a temporary directory first and compared byte for byte, so
`--check` never touches the tree. The generated module path equals the proto package
(`genesys/provider/v1`), so the stubs' own imports need no rewriting.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
PROTO_PACKAGE = Path("genesys/provider/v1")
OUT_ROOT = ROOT / "packages/genesys-protocol/src"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")
PACKAGE_INIT = '"""Generated stubs of the Genesys provider protocol v1 (see proto/)."""\n'


def generate(out_root: Path) -> None:
    from grpc_tools import protoc

    include = Path(protoc.__file__).parent / "_proto"
    protos = sorted(
        str(p.relative_to(PROTO_ROOT)) for p in (PROTO_ROOT / PROTO_PACKAGE).glob("*.proto")
    )
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--python_out={out_root}",
        f"--pyi_out={out_root}",
        f"--grpc_python_out={out_root}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    (out_root / PROTO_PACKAGE / "__init__.py").write_text(PACKAGE_INIT)
    (out_root / PROTO_PACKAGE / "py.typed").write_text("")


def generated_files(root: Path) -> set[str]:
    pkg = root / PROTO_PACKAGE
    if not pkg.exists():
        return set()
    return {p.name for p in pkg.iterdir() if p.name.endswith(GENERATED_SUFFIXES)} | {
        "__init__.py",
        "py.typed",
    }


def stale_files(fresh: Path, committed: Path) -> list[str]:
    names = generated_files(fresh) | generated_files(committed)
    stale = []
    for name in sorted(names):
        a, b = fresh / PROTO_PACKAGE / name, committed / PROTO_PACKAGE / name
        if not (a.exists() and b.exists() and filecmp.cmp(a, b, shallow=False)):
            stale.append(str(PROTO_PACKAGE / name))
    return stale


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail if committed stubs are stale")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        stale = stale_files(fresh, OUT_ROOT)
        if args.check:
            if stale:
                print("generated protocol stubs are stale; run: uv run python tools/gen_proto.py")
                for name in stale:
                    print(f"  {name}")
                return 1
            print("protocol stubs are up to date")
            return 0
        target = OUT_ROOT / PROTO_PACKAGE
        for name in generated_files(OUT_ROOT):
            (target / name).unlink(missing_ok=True)
        target.mkdir(parents=True, exist_ok=True)
        for name in generated_files(fresh):
            shutil.copy2(fresh / PROTO_PACKAGE / name, target / name)
        print(f"regenerated {len(generated_files(fresh))} files in {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
