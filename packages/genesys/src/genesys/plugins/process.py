"""The plugin's child process: spawn, watch, describe its death, stop it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterable, Mapping

from genesys.errors import PluginError
from genesys.plugins.logs import PluginLog

# How long a call that failed at the transport level waits to see whether the plugin died.
DEATH_CONFIRM_SECONDS = 1.0
# How long stderr may keep flowing after exit before a crash message is composed.
STDERR_DRAIN_SECONDS = 1.0


# What every plugin gets from the user's environment: where programs are, who and where the
# user is, locale, time zone, temp dir, proxies and CA bundles. Nothing else of the shell
# (tokens, the state passphrase) reaches a plugin or what it starts.
BASE_PASSTHROUGH = (
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_*", "TZ", "TMPDIR",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
    # Chosen by the user for a plugin under development; the handshake variables the core
    # sets itself (genesys.plugins.connection) are added after scrubbing.
    "GENESYS_PLUGIN_TRANSPORT",
)  # fmt: skip
# Each cloud's credential chain, by provider name. A third-party plugin names its own with
# `providers.<name>.env_passthrough` in the config (genesys.plugins.environment).
PROVIDER_PASSTHROUGH: dict[str, tuple[str, ...]] = {
    "aws": ("AWS_*",),
    "gcp": ("GOOGLE_*", "CLOUDSDK_*", "GCE_*", "GCLOUD_PROJECT"),
    "azure": ("AZURE_*", "MSI_*", "IDENTITY_*"),
    "alibaba": ("ALIBABA_CLOUD_*", "ALICLOUD_*"),
    "tencent": ("TENCENTCLOUD_*", "QCLOUD_*"),
}
# Never passed, whatever a pattern says: the key to the state.
NEVER_PASSED = frozenset({"GENESYS_STATE_PASSPHRASE"})


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in patterns)


def scrubbed_environment(
    provider: str, environ: Mapping[str, str], extra_patterns: Iterable[str] = ()
) -> dict[str, str]:
    """The part of `environ` a plugin for `provider` may see: BASE_PASSTHROUGH, its cloud's
    credential chain and `extra_patterns` (NAME or PREFIX_*)."""
    patterns = (*BASE_PASSTHROUGH, *PROVIDER_PASSTHROUGH.get(provider, ()), *extra_patterns)
    return {k: v for k, v in environ.items() if k not in NEVER_PASSED and _matches(k, patterns)}


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        number = -returncode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown signal"
        return f"killed by signal {number} ({name})"
    return f"exited with code {returncode}"


class PluginProcess:
    """A running plugin process and the threads reading its stderr."""

    def __init__(
        self, provider: str, argv: list[str], env: Mapping[str, str], cwd: str | None = None
    ) -> None:
        self.provider = provider
        self.argv = argv
        self.log = PluginLog(provider)
        try:
            self.popen = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,  # kept open: EOF tells the plugin the core died
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=dict(env),
                cwd=cwd,  # None: the core's own working directory
                close_fds=True,
                # Own session: Ctrl-C in the terminal reaches the core, which then stops its
                # plugins in order, instead of every plugin dying mid-call at once.
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            raise PluginError(f"cannot start provider {provider!r} ({argv[0]}): {exc}") from None
        assert self.popen.stderr is not None
        self._stderr_thread = self.log.pump(self.popen.stderr, "stderr")
        self._lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exited(self, wait: float = 0.0) -> bool:
        if wait <= 0:
            return self.popen.poll() is not None
        try:
            self.popen.wait(wait)
        except subprocess.TimeoutExpired:
            return False
        return True

    def crash_message(self, what: str) -> str:
        """`what` (e.g. "crashed") + how it exited + the last lines of its stderr."""
        self._stderr_thread.join(STDERR_DRAIN_SECONDS)
        code = self.popen.poll()
        how = describe_exit(code) if code is not None else "is still running"
        tail = self.log.tail()
        shown = "\n".join(f"  {line}" for line in tail) if tail else "  (nothing)"
        return (
            f"provider {self.provider!r} (pid {self.pid}) {what}: {how}\n"
            f"last lines of its stderr:\n{shown}"
        )

    def stop(self, grace: float) -> None:
        """Waits up to `grace` for a voluntary exit, then SIGTERM, then SIGKILL."""
        with self._lock:
            if not self.exited(grace):
                with contextlib.suppress(OSError):
                    self.popen.terminate()
                if not self.exited(2.0):
                    with contextlib.suppress(OSError):
                        self.popen.kill()
                    self.popen.wait()
            self._close_pipes()

    def kill(self) -> None:
        with self._lock:
            with contextlib.suppress(OSError):
                self.popen.kill()
            self.popen.wait()
            self._close_pipes()

    def _close_pipes(self) -> None:
        if self.popen.stdin is not None:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        self._stderr_thread.join(STDERR_DRAIN_SECONDS)
