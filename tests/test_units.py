"""Unit tests: parsers on fixture /proc files, the vocabulary, diffs, messages, checks."""

from __future__ import annotations

import io
import os
import re
import string
import time
from pathlib import Path

import pytest

from syscall_lab.engine.lab import StepOutcome
from syscall_lab.engine.snapshot import (
    FdEntry,
    KernelSocket,
    Owner,
    ProcessState,
    Snapshot,
    SocketState,
    diff,
)
from syscall_lab.engine.vocabulary import (
    ArgumentError,
    UnknownCallError,
    format_call,
    normalize_args,
    syscall_name_by_number,
)
from syscall_lab.i18n import MESSAGES, pick, t
from syscall_lab.lesson.catalog import discover
from syscall_lab.lesson.model import CheckResult, Expect, Lesson, Step
from syscall_lab.lesson.runner import StepRecord
from syscall_lab.net.wire import ANSWER_WAIT_S, Wire
from syscall_lab.observe.interrupts import moved, read_counters
from syscall_lab.observe.procfs import (
    ProcFS,
    cpu_list,
    cpu_ranges,
    decode_open_flags,
    fd_kind,
    online_cpus,
)
from syscall_lab.report.transcript import check_line

from .conftest import ROOT

PROC = ProcFS(ROOT / "tests" / "fixtures" / "proc")


def test_procfs_process_with_odd_comm_and_nspid() -> None:
    rec = PROC.process(4242)
    assert rec is not None
    assert rec.comm == "serv er) (x)"  # comm ends at the last ')'
    assert (rec.state, rec.state_name, rec.ppid, rec.nspid) == ("S", "sleeping", 4200, (4242, 2))
    assert rec.syscall is not None and rec.syscall.nr == 43 and rec.syscall.args[0] == 3
    assert rec.wchan == "inet_csk_accept"


def test_procfs_zombie_running_and_vanished() -> None:
    z = PROC.process(4243)
    assert z is not None and z.state == "Z" and z.syscall is None and z.wchan is None
    assert PROC.fds(4243) == []
    r = PROC.process(4244)
    assert r is not None and r.syscall is not None and r.syscall.running and r.syscall.nr is None
    assert PROC.process(99999) is None and PROC.fds(99999) == []
    assert PROC.children(4242) == [4243, 4244]


def test_procfs_fd_table() -> None:
    fds = {f.fd: f for f in PROC.fds(4242)}
    assert sorted(fds) == [0, 3, 4, 5, 6, 7, 1000]
    assert (fds[0].kind, fds[0].flags) == ("tty", ("O_RDWR",))
    assert (fds[3].kind, fds[3].inode, fds[3].flags) == \
        ("socket", 12345, ("O_RDWR", "O_NONBLOCK", "O_CLOEXEC"))
    assert (fds[4].kind, fds[4].inode, fds[4].flags) == ("pipe", 777, ("O_RDONLY",))
    assert (fds[5].kind, fds[5].pos) == ("file", 42)
    assert fds[5].flags == ("O_RDONLY", "O_APPEND")  # 0102000: O_LARGEFILE is not shown
    assert fds[6].kind == "anon_inode" and fds[7].kind == "device"
    assert fds[7].flags == ("O_WRONLY",)


def test_fd_kind_and_flags() -> None:
    assert fd_kind("net:[4026531840]") == ("net", 4026531840)
    assert fd_kind("weird") == ("other", None)
    assert decode_open_flags(0o2004002) == ("O_RDWR", "O_NONBLOCK", "O_CLOEXEC")


def test_normalize_and_format() -> None:
    assert normalize_args("socket", ["AF_INET", "SOCK_STREAM|SOCK_NONBLOCK"]) == [2, 2049, 0]
    assert format_call("socket", [2, 2049, 0], {"ret": 3}) == \
        "socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK, IPPROTO_IP) = 3"
    args = normalize_args("connect", [3, "[::1]:80"])
    assert args == [3, ["::1", 80]]
    assert format_call("connect", args, {"ret": -1, "errno": "ECONNREFUSED",
                                         "strerror": "Connection refused"}) == (
        'connect(3, {sa_family=AF_INET6, sin6_port=htons(80), '
        'inet_pton(AF_INET6, "::1", &sin6_addr)}, 28) = -1 ECONNREFUSED (Connection refused)')
    assert format_call("listen", [3, 2]) == "listen(3, 2) ..."
    assert format_call("shutdown", normalize_args("shutdown", [4, "SHUT_WR"]), {"ret": 0}) == \
        "shutdown(4, SHUT_WR) = 0"
    assert format_call("open", normalize_args("open", ["/dev/null", "O_WRONLY|O_CLOEXEC"]),
                       {"ret": 3}) == 'openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CLOEXEC) = 3'
    assert format_call("send", [3, "hi", 0], {"ret": 2}) == 'sendto(3, "hi", 2, 0, NULL, 0) = 2'
    assert format_call("recv", [4, 64, 0]) == "recvfrom(4, ..."  # blocked: nothing filled in
    assert syscall_name_by_number(50, "x86_64") == "listen"
    assert syscall_name_by_number(201, "aarch64") == "listen"


@pytest.mark.parametrize("name,args,message", [
    ("lisen", [3, 2], "did you mean 'listen'"),
    ("listen", [3], "takes 2 arguments"),
    ("socket", ["AF_INET"], "takes 2 to 3 arguments"),
    ("bind", [3, "localhost:80"], "not an IP address"),
    ("bind", [3, "127.0.0.1"], "must look like 127.0.0.1:8080"),
    ("bind", [3, "127.0.0.1:70000"], "between 0 and 65535"),
    ("listen", ["three", 2], "whole number"),
    ("shutdown", [3, "SHUT_WRR"], "did you mean 'SHUT_WR'"),
    ("open", ["/etc/passwd", "O_RDWR"], "for writing only at /dev/null"),
    ("sleep", [100000], "between 0 and 600"),
])
def test_argument_errors(name: str, args: list[object], message: str) -> None:
    with pytest.raises((ArgumentError, UnknownCallError), match=re.escape(message)):
        normalize_args(name, args)


def _proc(actor: str, *fds: FdEntry, state: str = "S", blocked: str | None = None) -> ProcessState:
    return ProcessState(actor, 2, 100, 0, state, "sleeping", blocked_in=blocked, fds=fds)


def _sock(inode: int, state: str, local: str | None = None, remote: str | None = None,
          **kw: int) -> SocketState:
    return SocketState(inode, "AF_INET", "SOCK_STREAM", "tcp", local, remote, state, **kw)


def test_diff_fd_and_socket_changes() -> None:
    tty = FdEntry(0, "tty", "/dev/pts/1")
    lab = FdEntry(1000, "lab", "socket:[9]")
    s0 = _sock(11, "CLOSE")
    old = Snapshot(0.0, (_proc("server", tty, lab, FdEntry(3, "socket", "socket:[11]", socket=s0)),),
                   (KernelSocket(s0, (Owner("server", 3),)),))
    s1 = _sock(11, "LISTEN", "127.0.0.1:8080", accept_queue=0, backlog=2)
    new = Snapshot(1.0, (_proc("server", tty, FdEntry(3, "socket", "socket:[11]", socket=s1),
                               FdEntry(4, "pipe", "pipe:[5]"), blocked="accept"),),
                   (KernelSocket(s1, (Owner("server", 3),)),))
    changes = {c.what: c for c in diff(old, new)}
    assert changes["fd_changed"].after["state"] == "LISTEN"
    assert changes["fd_changed"].before["state"] == "CLOSE"
    assert changes["fd_opened"].fd == 4
    assert changes["process_changed"].after == {"blocked_in": "accept"}
    # The lab's channel disappearing is not the student's business; the socket kept its inode.
    assert "fd_closed" not in changes and "socket_gone" not in changes
    assert changes["socket_changed"].after["state"] == "LISTEN"
    assert diff(new, new) == []
    assert Snapshot.from_json(new.to_json()) == new


def test_messages_exist_in_both_languages_with_the_same_placeholders() -> None:
    fmt = string.Formatter()
    for key, entry in MESSAGES.items():
        assert {"en", "ko"} <= set(entry) <= {"en", "ko", "en_one", "ko_one"}, key
        names = [{f for _, f, _, _ in fmt.parse(entry[lang]) if f} for lang in ("en", "ko")]
        assert names[0] == names[1], key
        for one in {"en_one", "ko_one"} & set(entry):  # the singular: n is 1, said or not
            assert {f for _, f, _, _ in fmt.parse(entry[one]) if f} <= names[0], key
    assert t("typed_count", "en", n=1) == "1 typed step"
    assert t("typed_count", "en", n=2) == "2 typed steps"
    assert t("step", "ko", n=1, total=3) == "3단계 중 1단계"
    from syscall_lab.i18n import FIELD_LABELS
    assert all(set(v) == {"en", "ko"} for v in FIELD_LABELS.values())
    assert pick({"en": "a", "ko": "가"}, "ko") == "가" and pick("plain", "ko") == "plain"


def test_bundled_lessons_are_valid_and_bilingual() -> None:
    cat = discover([str(ROOT / "lessons")], search=False)
    assert cat.problems == [] and {"backlog", "handshake"} <= set(cat.lessons)
    for lesson in cat.lessons.values():
        assert set(lesson.languages) == {"en", "ko"}, lesson.id
        assert all(pick(s.say, "ko") != pick(s.say, "en") for s in lesson.steps), lesson.id


def test_expectations_compare_with_what_the_kernel_shows() -> None:
    s = _sock(11, "LISTEN", "127.0.0.1:8080", accept_queue=3, backlog=2)
    snap = Snapshot(0.0, (_proc("server", FdEntry(3, "socket", "socket:[11]", socket=s)),),
                    (KernelSocket(s, ()), KernelSocket(_sock(0, "SYN_SENT"), ())))
    ok = Expect("fd", "accept_queue", 3, actor="server", fd=3).check(None, snap)
    assert ok.ok and ok.actual == 3
    bad = Expect("fd", "accept_queue", 2, actor="server", fd=3).check(None, snap)
    assert not bad.ok and bad.actual == 3 and bad.expect == "server fd 3 accept_queue == 2"
    assert Expect("count", "state", 1, where="SYN_SENT").check(None, snap).ok
    assert not Expect("fd", "state", "LISTEN", actor="server", fd=9).check(None, snap).ok
    assert not Expect("fd", "backlog", 1, ">=", actor="nobody", fd=3).check(None, snap).ok
    with pytest.raises(ValueError):
        Expect("fd", "colour", 1)


@pytest.mark.kernel
def test_a_failed_expectation_is_shown_and_exits_1() -> None:
    from syscall_lab.cli import play

    lesson = Lesson("wrong", {"en": "w", "ko": "w"}, {"en": "w", "ko": "w"}, (), ("server",), (
        Step({"en": "socket", "ko": "소켓"}, actor="server", call="socket",
             args=("AF_INET", "SOCK_STREAM", 0),
             expect=(Expect("result", "ret", 4), Expect("result", "ret", 3))),))
    out = io.StringIO()
    assert play(lesson, "en", out=out) == 1
    text = out.getvalue()
    assert "✗ ret == 4  (the kernel shows 3)" in text and "✓ ret == 3" in text
    assert "1 of 2 checks failed." in text


@pytest.mark.parametrize("files,err,needle,fix", [
    ({"/proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1"}, 1, "AppArmor",
     "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"),
    ({"/proc/sys/kernel/unprivileged_userns_clone": "0"}, 1, "unprivileged_userns_clone = 0",
     "sudo sysctl -w kernel.unprivileged_userns_clone=1"),
    ({"/proc/sys/user/max_user_namespaces": "0"}, 28, "max_user_namespaces = 0",
     "sudo sysctl -w user.max_user_namespaces=15000"),
    ({}, 28, "limit on user namespaces is reached", "user.max_user_namespaces=15000"),
])
def test_sandbox_refusals_are_explained(monkeypatch: pytest.MonkeyPatch, files: dict[str, str],
                                        err: int, needle: str, fix: str) -> None:
    from syscall_lab.net import namespaces

    monkeypatch.setattr(namespaces, "_read", lambda path: files.get(path))
    monkeypatch.setattr(namespaces.os.path, "exists", lambda path: False)
    e = namespaces.diagnose_userns(err)
    assert needle in e.reason and fix in e.fix and "\n" not in e.reason


def test_snapshot_prints_as_text() -> None:
    s = _sock(11, "LISTEN", "127.0.0.1:8080", accept_queue=1, backlog=2)
    q = _sock(0, "ESTABLISHED", "127.0.0.1:8080", "127.0.0.1:5555")
    snap = Snapshot(1.5, (_proc("server", FdEntry(3, "socket", "socket:[11]", socket=s),
                                FdEntry(1000, "lab", "socket:[9]")),),
                    (KernelSocket(s, (Owner("server", 3),)), KernelSocket(q, ())))
    text = str(snap)
    assert "fd 3   socket tcp LISTEN 127.0.0.1:8080 queue 1/2" in text
    assert "(no fd) tcp ESTABLISHED 127.0.0.1:8080 -> 127.0.0.1:5555" in text
    assert "1000" not in text  # the lab's channel is not the student's


INTERRUPTS = """\
           CPU0       CPU1
  1:          9          0   IO-APIC   1-edge      i8042
 38:        100         20 PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0
LOC:       1000       2000   Local timer interrupts
ERR:          0
"""
SOFTIRQS = """\
                    CPU0       CPU1
          HI:          0          0
       TIMER:        500        600
      NET_RX:         40         50
"""


def _irq_files(tmp: Path, interrupts: str, softirqs: str) -> Path:
    (tmp / "interrupts").write_text(interrupts)
    (tmp / "softirqs").write_text(softirqs)
    return tmp


def test_interrupt_counters_move_by_line_device_and_kind(tmp_path: Path) -> None:
    before = read_counters(_irq_files(tmp_path, INTERRUPTS, SOFTIRQS))
    assert before[("hard", "1")].device == "i8042" and before[("hard", "1")].total == 9
    assert before[("hard", "LOC")].about == "Local timer interrupts"
    assert before[("hard", "ERR")].per_cpu == (0,)  # one column only, as the kernel prints it
    after = read_counters(_irq_files(
        tmp_path, INTERRUPTS.replace("        100         20", "        103         21")
        .replace("1000       2000", "1010       2005"),
        SOFTIRQS.replace("40         50", "44         50")))
    d = moved(before, after)
    assert [(m.label, m.delta) for m in d.moves] == [("LOC", 15), ("38", 4), ("NET_RX", 4)]
    assert d.moves[1].per_cpu == (3, 1)
    assert d.count("hard", "LOC") == 15
    assert d.count("hard", "virtio2-input") == 4  # a device by the start of its name
    assert d.count("hard", "i8042") == 0  # the line is there and did not move
    assert d.count("hard", "all") == 19
    assert d.count("soft", "NET_RX") == 4 and d.count("soft", "TIMER") == 0
    assert d.count("hard", "kbd") is None  # no such line on this machine: nothing to count


def test_an_irq_check_names_a_missing_line_instead_of_comparing_nothing(
        tmp_path: Path) -> None:
    d = moved(read_counters(_irq_files(tmp_path, INTERRUPTS, SOFTIRQS)),
              read_counters(_irq_files(tmp_path, INTERRUPTS, SOFTIRQS)))
    snap = Snapshot(t=0.0, processes=(), sockets=())
    there = Expect("irq", "interrupts", 0, op=">=", where="i8042").check(None, snap, irqs=d)
    assert there.ok and there.actual == 0
    missing = Expect("irq", "interrupts", 0, op=">=", where="kbd").check(None, snap, irqs=d)
    assert not missing.ok and "no interrupt line 'kbd'" in (missing.note or "")


# --- concurrency: CPU sets, work calls and checks made only where a machine can show them ----

def _worked(ret: int, **value: object) -> StepOutcome:
    snap = Snapshot(t=0.0, processes=(), sockets=())
    return StepOutcome("app", "workers", (2, 0.5), "workers(2, 0.5) = 2", {}, {
        "ret": ret, "value": value}, False, snap)


def _app(cpus: tuple[int, ...]) -> Snapshot:
    proc = ProcessState("app", 1, 100, 0, "S", "sleeping", cpus_allowed=cpus, cpu=cpus[0])
    return Snapshot(t=0.0, processes=(proc,), sockets=())


def test_cpu_lists_read_and_print_as_the_kernel_writes_them() -> None:
    assert cpu_list("0-3,6\n") == (0, 1, 2, 3, 6) and cpu_list("") == ()
    assert cpu_ranges([6, 0, 2, 1, 3]) == "0-3,6" and cpu_ranges([0]) == "0"
    for cpus in ([0], [0, 1], [1, 3, 4, 5, 9], list(range(64))):
        assert cpu_list(cpu_ranges(cpus)) == tuple(cpus)


def test_cpu_sets_and_work_are_checked_and_printed_as_c_writes_them() -> None:
    assert normalize_args("sched_setaffinity", [0, [1, 0]]) == [0, [0, 1]]
    assert format_call("sched_setaffinity", [0, [0, 1]], {"ret": 0}) == \
        "sched_setaffinity(0, 128, [0, 1]) = 0"
    for bad, message in (([0, []], "list of CPU numbers"), ([0, [1024]], "between 0 and 1023"),
                         ([0, [1, 1]], "names a CPU twice"), ([0, 3], "list of CPU numbers")):
        with pytest.raises(ArgumentError, match=message):
            normalize_args("sched_setaffinity", bad)
    assert normalize_args("workers", [2, 0.5]) == [2, 0.5]
    with pytest.raises(ArgumentError, match="between 1 and 8"):
        normalize_args("workers", [9, 0.5])
    with pytest.raises(ArgumentError, match="CPU seconds"):
        normalize_args("work", ["long"])
    value = {"wall_time": 1.004, "cpu_time": 1.0, "cores": 0.996}
    assert format_call("workers", [2, 0.5], {"ret": 2, "value": value}) == \
        "workers(2, 0.5) = 2  /* wall 1.00 s, CPU 1.00 s: 1.00 cores */"
    assert format_call("workers", [2, 0.5], None) == "workers(2, 0.5) ..."


def test_a_work_check_reads_the_measurement_rounded_to_a_millisecond() -> None:
    out = _worked(2, wall_time=1.0123456, cpu_time=1.0004, cores=0.98826, switches=40,
                  cpus_used=[0])
    snap = out.snapshot
    assert Expect("result", "cores", 1.05, op="<=").check(out, snap).actual == 0.988
    assert Expect("result", "cpus_used", 1).check(out, snap).ok
    wrong = Expect("result", "cores", 1.4, op=">=").check(out, snap)
    assert not wrong.ok and wrong.actual == 0.988


def test_a_check_with_a_condition_is_made_only_where_the_condition_holds() -> None:
    out = _worked(2, cores=0.99)
    two_cpus = Expect("process", "cpus", 2, op=">=", actor="app", source="app.cpus >= 2")
    check = Expect("result", "cores", 1.4, op=">=", source="cores >= 1.4", guard=two_cpus)
    # One CPU: not made, not failed, and the reason is the kernel's reading.
    skipped = check.check(out, _app((0,)))
    assert skipped.ok and skipped.skipped is not None and skipped.skipped.actual == 1
    assert skipped.to_json()["skipped"]["expect"] == "app.cpus >= 2"
    line = check_line(skipped, "en").plain
    assert line.startswith("– cores >= 1.4") and "app.cpus >= 2 does not hold" in line
    assert "조건이 맞지 않습니다" in check_line(skipped, "ko").plain
    # Two CPUs: made, and it fails like any check when the kernel says otherwise.
    made = check.check(out, _app((0, 1)))
    assert made.skipped is None and not made.ok and made.actual == 0.99
    assert check_line(made, "en").plain.startswith("✗ cores >= 1.4")


def test_conditions_joined_by_and_are_each_checked_and_the_first_false_one_is_said() -> None:
    quiet = Expect("result", "others_busy", 0.25, op="<=", source="others_busy <= 0.25")
    two_cpus = Expect("process", "cpus", 2, op=">=", actor="app", source="app.cpus >= 2",
                      guard=quiet)
    check = Expect("result", "cores", 1.05, op=">=", source="cores >= 1.05", guard=two_cpus)
    busy = _worked(2, cores=0.9, others=[[0, 0.05], [1, 0.384]], others_busy=0.384)
    # One CPU: the first condition is the reason.
    assert check.check(busy, _app((0,))).skipped.expect == "app.cpus >= 2"  # type: ignore[union-attr]
    # Two CPUs, one of them busy with other programs: the second, said in words.
    skipped = check.check(busy, _app((0, 1)))
    assert skipped.ok and skipped.skipped is not None
    assert skipped.skipped.expect == "others_busy <= 0.25" and skipped.skipped.actual == 0.384
    line = check_line(skipped, "en").plain
    assert "(not checked on this machine: others_busy <= 0.25 does not hold (CPU 1 was busy " \
           "with other programs 38% of the time the work ran))" in line, line
    assert "CPU 1: 이 작업이 도는 동안 38%는 다른 프로그램이 썼습니다" in check_line(skipped, "ko").plain
    # Both hold: made, and failing like any check.
    quiet_run = _worked(2, cores=0.9, others=[[0, 0.02], [1, 0.04]], others_busy=0.04)
    made = check.check(quiet_run, _app((0, 1)))
    assert made.skipped is None and not made.ok and made.actual == 0.9


def test_other_programs_share_of_each_cpu_is_the_kernels_busy_time_less_the_works_own() -> None:
    from syscall_lab.engine import work

    busy = work.busy_times()
    assert set(busy) >= set(os.sched_getaffinity(0)) and all(v > 0 for v in busy.values())
    ret, value = work.work(0.2)
    assert ret == 0 and value["cpu_time"] >= 0.2
    others = dict(value["others"])
    assert set(others) == set(os.sched_getaffinity(0))
    assert all(0.0 <= s <= 1.0 for s in others.values())
    assert value["others_busy"] == max(others.values())
    assert "by_cpu" not in value["each"][0]  # folded into the shares, not sent


def test_a_skipped_check_is_neither_counted_as_made_nor_as_failed() -> None:
    snap = _app((0,))
    cond = CheckResult("app.cpus >= 2", False, 1)
    record = StepRecord(1, 1, Step(say=None), None, snap, (), (
        CheckResult("ret == 2", True, 2), CheckResult("cores >= 1.4", True, None, skipped=cond),
        CheckResult("cpu_time >= 1.0", False, 0.5)), ())
    assert record.tally == (2, 1) and record.skipped == 1


def test_elapsed_is_how_long_the_call_took_in_the_actor() -> None:
    out = _worked(2)
    out.result["elapsed"] = 0.1011234  # type: ignore[index]
    snap = out.snapshot
    assert Expect("result", "elapsed", 0.1, op=">=").check(out, snap).actual == 0.101123
    assert not Expect("result", "elapsed", 0.01, op="<").check(out, snap).ok
    del out.result["elapsed"]  # type: ignore[union-attr]
    assert not Expect("result", "elapsed", 0.01, op="<").check(out, snap).ok  # no time, no pass


def test_online_cpus_come_from_sysfs(tmp_path: Path) -> None:
    (tmp_path / "online").write_text("0-1,4\n")
    assert online_cpus(str(tmp_path / "online")) == {0, 1, 4}
    assert online_cpus(str(tmp_path / "missing")) is None


class _Port:
    """A wire port with no device behind it: what the host sent, what it was given."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.given: list[bytes] = []

    def read(self) -> list[tuple[float, bytes]]:
        out, self.sent = [(0.0, d) for d in self.sent], []
        return out

    def write(self, data: bytes) -> None:
        self.given.append(data)

    def fileno(self) -> int:
        return -1


def test_the_wire_waits_for_the_answer_to_a_syn_or_fin_it_delivered() -> None:
    """A step's snapshot waits (up to ANSWER_WAIT_S) for the host a SYN or FIN went to: its
    ACK, even when a loaded machine sends it late, belongs to the step that caused it."""
    from scapy.layers.inet import IP, TCP

    client, server = _Port(), _Port()
    wire = Wire(0.0, ports={"client": client, "server": server})  # type: ignore[dict-item]
    client.sent.append(bytes(IP(src="10.0.0.1", dst="10.0.0.2")
                             / TCP(sport=5000, dport=80, flags="A")))
    wire.on_readable("client")
    assert server.given and wire.answer_awaited(time.monotonic()) == 0  # a bare ACK: no answer
    client.sent.append(bytes(IP(src="10.0.0.1", dst="10.0.0.2")
                             / TCP(sport=5000, dport=80, flags="FA")))
    wire.on_readable("client")
    now = time.monotonic()
    assert 0 < wire.answer_awaited(now) <= ANSWER_WAIT_S
    assert wire.answer_awaited(now + ANSWER_WAIT_S) <= 0  # bounded: a silent host is not awaited
    server.sent.append(bytes(IP(src="10.0.0.2", dst="10.0.0.1")
                             / TCP(sport=80, dport=5000, flags="A")))
    wire.on_readable("server")
    assert wire.answer_awaited(time.monotonic()) == 0  # the server answered
