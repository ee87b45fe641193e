"""The request counter: GET /_genesys/requests on any service's port answers every service's
count of the calls it served, itself not counted and never faulted (tests measure with it)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from genesys_emulators.core import CloudError, Emulator, FaultPlan, ServiceApp
from werkzeug.routing import Rule


class Echo(ServiceApp):
    rules = (Rule("/echo/<word>", methods=["GET", "POST"], endpoint="echo"),)

    def echo(self, request, word):
        if word == "refused":
            raise CloudError(400, "Refused", "refused on purpose")
        return {"word": word}


def _get(url: str, method: str = "GET") -> tuple[int, dict]:
    request = urllib.request.Request(url, data=b"{}" if method == "POST" else None, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _counts(url: str) -> dict:
    status, counts = _get(f"{url}/_genesys/requests")
    assert status == 200
    return counts


def test_every_port_reports_every_service_and_the_counter_is_not_a_call() -> None:
    emulator = Emulator("test", "r1", "acct", {"one": Echo(), "two": Echo()}, lambda urls: {})
    with emulator:
        one, two = emulator.urls["one"], emulator.urls["two"]
        assert _counts(one) == {"one": 0, "two": 0}
        assert _get(f"{one}/echo/a") == (200, {"word": "a"})
        assert _get(f"{one}/echo/refused")[0] == 400  # a refused call is a call
        assert _get(f"{two}/no/such/route")[0] == 404
        assert _counts(two) == {"one": 2, "two": 1} == _counts(one)
        assert emulator.api_calls() == {"one": 2, "two": 1}


def test_the_counter_is_never_faulted() -> None:
    faults = FaultPlan(error=1.0)  # every mutating cloud call fails ...
    emulator = Emulator("test", "r1", "acct", {"one": Echo(faults)}, lambda urls: {})
    with emulator:
        url = emulator.urls["one"]
        assert _get(f"{url}/echo/a", "POST")[0] == 503
        assert _counts(url) == {"one": 1}  # ... the counter still answers
