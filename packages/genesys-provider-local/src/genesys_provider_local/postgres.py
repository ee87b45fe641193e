"""Real PostgreSQL clusters for `engine: postgres`.

A database is its own cluster: initdb into <db dir>/pg/data (superuser = the database's
username, its password generated and set through a 0600 pwfile, TCP logins need it; socket
logins are trusted but the socket directory is private), the database created in
single-user mode, then `pg_ctl start` on a free 127.0.0.1 port. The port, address and socket
directory are written into postgresql.conf, so a plain `pg_ctl start -D <data>` brings the
same server back after a reboot.

PostgreSQL refuses to run as root: when we are root, every server command runs as the
`postgres` system user (subprocess user=/group=), and the cluster directory is owned by it.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from genesys_plugin_sdk import errors

from genesys_provider_local import processes
from genesys_provider_local.daemons import free_port

NOT_FOUND = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql or use "
    "engine: sqlite"
)
NO_POSTGRES_USER = (
    "PostgreSQL refuses to run as root and there is no `postgres` system user to run it as; "
    "create one (e.g. `useradd --system postgres`) or run genesys as a normal user"
)
_SEARCH = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql*/bin",
    "/usr/local/opt/postgresql*/bin",
)
_SOCKET_PATH_LIMIT = 100  # sun_path is 104-108 bytes; ".s.PGSQL.NNNNN" comes on top
_TIMEOUT = 60


@dataclass(frozen=True)
class Binaries:
    bin_dir: Path
    major: str

    def tool(self, name: str) -> str:
        return str(self.bin_dir / name)


@dataclass(frozen=True)
class Cluster:
    port: int
    data_dir: Path
    socket_dir: Path
    log_file: Path
    server_version: str


def _major_of(bin_dir: Path) -> str | None:
    try:
        out = subprocess.run(
            [str(bin_dir / "pg_ctl"), "--version"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return match.group(1) if match else None


@functools.lru_cache(maxsize=1)
def installations() -> tuple[Binaries, ...]:
    """Every PostgreSQL server installation found, newest first."""
    dirs: list[Path] = []
    for tool in ("initdb", "pg_ctl"):
        found = shutil.which(tool)
        if found:
            dirs.append(Path(found).resolve().parent)
    for pattern in _SEARCH:
        dirs += [Path(p) for p in sorted(glob.glob(pattern))]
    seen: dict[Path, Binaries] = {}
    for bin_dir in dirs:
        complete = all((bin_dir / t).is_file() for t in ("initdb", "pg_ctl", "postgres"))
        if bin_dir not in seen and complete:
            major = _major_of(bin_dir)
            if major:
                seen[bin_dir] = Binaries(bin_dir, major)
    return tuple(sorted(seen.values(), key=lambda b: int(b.major), reverse=True))


def find(version: str) -> Binaries | None:
    """The installation of the asked major version, else the newest one."""
    found = installations()
    wanted = version.split(".")[0] if version else ""
    exact = [b for b in found if b.major == wanted]
    candidates = exact or list(found)
    return candidates[0] if candidates else None


def server_user() -> str | None:
    """The user servers run as: None for ourselves, "postgres" when we are root."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise errors.FailedPrecondition(NO_POSTGRES_USER) from None
    return "postgres"


def version_made(version: str) -> str:
    """The version a database asking for `version` really runs: the asked one when it is
    installed, else the installed major that availability_problem warns about."""
    binaries = find(version)
    if binaries is None or not version or version.split(".")[0] == binaries.major:
        return version
    return binaries.major


def availability_problem(version: str) -> tuple[str, bool] | None:
    """(message, is_error) when postgres cannot be served as asked, else None."""
    binaries = find(version)
    if binaries is None:
        return NOT_FOUND, True
    try:
        server_user()
    except errors.FailedPrecondition as exc:
        return str(exc), True
    wanted = version.split(".")[0] if version else ""
    if wanted and wanted != binaries.major:
        return f"PostgreSQL {version} is not installed; {binaries.major} will be used", False
    return None


def _as_user(argv: list[str], user: str | None) -> list[str]:
    """`argv` run as `user`, through runuser/setpriv/su.

    Not subprocess's user=/group=: those force a plain fork(), which runs gRPC's fork
    handlers in this multi-threaded server and can crash the child before it execs.
    """
    if user is None:
        return argv
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *argv]
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    return ["su", "-s", "/bin/sh", user, "-c", shlex.join(argv)]


def _run(argv: list[str], user: str | None, *, stdin: str | None = None) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
    try:
        done = subprocess.run(
            _as_user(argv, user),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            env=env,
            start_new_session=True,  # Ctrl-C in the core's terminal must not reach the server
            cwd="/",
        )
    except subprocess.TimeoutExpired:
        raise errors.Unavailable(f"{Path(argv[0]).name} timed out after {_TIMEOUT}s") from None
    output = (done.stdout or "") + (done.stderr or "")
    if done.returncode != 0 or "\nERROR:" in f"\n{output}":
        last = [line for line in output.strip().splitlines() if line.strip()][-3:]
        raise errors.FailedPrecondition(
            f"{Path(argv[0]).name} failed: {' | '.join(last) or done.returncode}"
        )
    return output


def _own(path: Path, user: str | None, mode: int = 0o700) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(mode)
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


def _can_use(path: Path, user: str | None) -> bool:
    """Whether `user` can write in `path` (every parent must be traversable for it)."""
    if user is None:
        return os.access(path, os.W_OK | os.X_OK)
    try:
        _run(["/bin/sh", "-c", f'test -w "{path}" && test -x "{path}"'], user)
    except errors.ProviderError:
        return False
    return True


def cluster_home(directory: Path, user: str | None) -> Path:
    """<directory>/pg, or — when the server user cannot reach it (e.g. a 0700 parent owned
    by root) — a directory under the system temp dir, linked from <directory>/pg."""
    home = directory / "pg"
    _own(home, user)
    if _can_use(home, user):
        return home
    home.rmdir()
    outside = Path(tempfile.mkdtemp(prefix=f"genesys-local-pg-{directory.name}-"))
    _own(outside, user)
    home.symlink_to(outside)
    return outside


def _socket_dir(home: Path, user: str | None) -> Path:
    inside = home / "run"
    if len(str(inside)) + 16 < _SOCKET_PATH_LIMIT:
        return _own(inside, user)
    return _own(Path(tempfile.mkdtemp(prefix="gpl-")), user)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _init(binaries: Binaries, home: Path, username: str, password: str, user: str | None) -> Path:
    data = home / "data"
    pwfile = home / ".pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if user:
        shutil.chown(pwfile, user, user)
    try:
        _run(
            [
                binaries.tool("initdb"),
                "-D", str(data),
                "-U", username,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "-E", "UTF8",
                "--locale=C",
            ],
            user,
        )  # fmt: skip
    finally:
        pwfile.unlink(missing_ok=True)
    return data


def create(directory: Path, dbname: str, username: str, password: str, version: str) -> Cluster:
    """Makes, starts and returns a cluster serving database `dbname` under `directory`."""
    binaries = find(version)
    if binaries is None:
        raise errors.FailedPrecondition(NOT_FOUND)
    user = server_user()
    home = cluster_home(directory, user)
    data = _init(binaries, home, username, password, user)
    statement = f'CREATE DATABASE "{dbname}";\n'
    _run(
        [binaries.tool("postgres"), "--single", "-D", str(data), "-j", "postgres"],
        user,
        stdin=statement,
    )
    sockets = _socket_dir(home, user)
    log_file = home / "server.log"
    for _attempt in range(3):  # a free port may be taken between probe and bind
        port = free_port()
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\n# genesys local provider\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = {_quote(str(sockets))}\n"
            )
        try:
            start(binaries, data, log_file, user)
            return Cluster(port, data, sockets, log_file, binaries.major)
        except errors.FailedPrecondition:
            if "could not bind" not in _tail(log_file):
                raise
    raise errors.Unavailable("PostgreSQL could not find a free port on 127.0.0.1")


def start(binaries: Binaries, data: Path, log_file: Path, user: str | None) -> None:
    _run(
        [binaries.tool("pg_ctl"), "-D", str(data), "-l", str(log_file), "-w", "-t", "30", "start"],
        user,
    )


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-2000:]
    except OSError:
        return ""


def postmaster_pid(data: Path) -> int:
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return 0


def is_running(data: Path) -> bool:
    pid = postmaster_pid(data)
    if not pid or not processes.is_alive(pid):
        return False
    try:
        return "postgres" in Path(f"/proc/{pid}/comm").read_text()
    except OSError:
        return True  # no /proc (macOS): the pid check is all we have


def stop(data: Path) -> None:
    """Stops the cluster (fast shutdown); kills its postmaster if pg_ctl cannot."""
    if not is_running(data):
        return
    try:
        major = (data / "PG_VERSION").read_text().strip()
    except OSError:
        major = ""
    binaries = find(major)
    if binaries is not None:
        with contextlib.suppress(errors.ProviderError):
            _run(
                [binaries.tool("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "30", "stop"],
                server_user(),
            )
    if is_running(data):
        processes.terminate(postmaster_pid(data), grace=5.0)
