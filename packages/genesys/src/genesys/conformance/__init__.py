"""The Genesys conformance kit: language-neutral checks any provider plugin must pass.

    from genesys.conformance import run_conformance

    report = run_conformance("local")          # or a path to any plugin executable
    for result in report.results:
        print(result.line())                   # "PASS  compute.instance: create"
    print(report.summary())                    # "42 passed, 0 failed"
    assert report.ok

Everything goes through the real protocol: the plugin is started as a child process by the
core's host (`genesys.plugins`), so a plugin written in any language is tested the same way.
`genesys provider test <name-or-executable>` is the command-line face of this module.
"""

from __future__ import annotations

from genesys.conformance.results import CheckResult, ConformanceReport
from genesys.conformance.runner import run_conformance

__all__ = ["CheckResult", "ConformanceReport", "run_conformance"]
