"""The runner and the supervisor speak in typed records (engine/protocol.py): each request and
event survives its trip through JSON, and a malformed request line is refused by name."""

from __future__ import annotations

import json

import pytest

from syscall_lab.engine.protocol import (
    CallRequest,
    Exited,
    Look,
    Output,
    Pause,
    Ping,
    ProtocolError,
    Returned,
    Shutdown,
    Spawn,
    SysctlRequest,
    Wait,
    WireAction,
    event_from_json,
    event_to_json,
    request_from_json,
    request_to_json,
)

REQUESTS = [
    Spawn("server"), Spawn("client", host="client"),
    CallRequest("server", "bind", (3, ["127.0.0.1", 8080])), CallRequest("a", "pipe"),
    Wait("client", 2.5), Look(), WireAction("rule", rule={"action": "hold", "from": "server"}),
    WireAction("deliver", packets=[2, 3]), WireAction("clear"),
    SysctlRequest("watch", names=("net.ipv4.tcp_syn_retries",)),
    SysctlRequest("set", name="net.ipv4.tcp_syncookies", value=2, host="server"),
    Pause(1.5), Ping(), Shutdown(),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: type(r).__name__)
def test_each_request_survives_its_line(request_: object) -> None:
    line = json.dumps(request_to_json(request_, 7))  # type: ignore[arg-type]
    back = json.loads(line)
    assert back["id"] == 7 and back["op"] == request_.op  # type: ignore[attr-defined]
    assert request_from_json(back) == request_


@pytest.mark.parametrize("line,says", [
    ({"op": "dance"}, "unknown request 'dance'"),
    ({"op": "call", "actor": "a", "call": 3}, "call: call is int"),
    ({"op": "call", "call": "socket"}, "call: "),  # no actor
    ({"op": "wait", "actor": "a", "seconds": True}, "wait: seconds is bool"),
    ({"op": "sysctl", "action": "set", "value": "2"}, "sysctl: value is str"),
])
def test_a_malformed_request_is_refused_by_name(line: dict[str, object], says: str) -> None:
    with pytest.raises(ProtocolError, match=says):
        request_from_json(line)


EVENTS = [
    {"event": "result", "actor": "server", "call": "accept", "args": [3],
     "result": {"seq": 4, "ret": 5, "value": {"addr": ["127.0.0.1", 40000]}},
     "c": "accept(3, {...}, [128 => 16]) = 5", "t": 1.25},
    {"event": "result", "actor": "server.1", "call": "fork", "args": [], "result": {"ret": 0},
     "c": "fork() = 0 (in the child)", "t": 0.5},
    {"event": "output", "actor": "client", "data": "hello\n", "t": 2.0},
    {"event": "exited", "actor": "server", "code": 0},
    {"event": "exited", "actor": "worker", "signal": "SIGPIPE"},
    {"event": "exited", "actor": "server.1"},
]


@pytest.mark.parametrize("line", EVENTS, ids=lambda e: f"{e['event']}-{e['actor']}")
def test_each_event_survives_its_line_as_a_typed_record(line: dict[str, object]) -> None:
    e = event_from_json(line)
    assert isinstance(e, Returned | Output | Exited)
    assert event_to_json(e) == line
    if isinstance(e, Returned):
        assert e.in_child == (e.call == "fork")
        assert e.result.get("seq") == line["result"].get("seq")  # type: ignore[attr-defined]


def test_cues_are_no_events_of_a_step() -> None:
    for cue in ({"event": "ready", "arch": "x86_64"}, {"event": "packets"},
                {"event": "fatal", "reason": "r", "fix": "f", "kind": "environment"}):
        assert event_from_json(cue) is None
