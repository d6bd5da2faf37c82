"""The TUI driven with Textual's Pilot against a real lab: every binding, the picker, the
messages between the screen and the engine, errors, and that quitting leaves nothing behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Static, TabbedContent

from syscall_lab.lesson.loader import sandbox_lesson
from syscall_lab.lesson.progress import ProgressStore
from syscall_lab.tui.messages import KernelStirred
from syscall_lab.tui.screens import ErrorScreen, HelpScreen, LessonScreen, PickerScreen
from syscall_lab.tui.screens.packet import PacketScreen
from syscall_lab.tui.widgets import (
    FdTable,
    HeldTable,
    KernelPanes,
    KeyBar,
    Ladder,
    LessonPane,
    PacketList,
    QueuesPane,
    SyscallLog,
)

from .conftest import ROOT, alive, wait_until
from .tui_support import (
    Messages,
    app_for,
    bundled_catalog,
    press_steps,
    settled,
    step,
    typed,
    until,
)

pytestmark = pytest.mark.kernel

WIDE, NARROW = (120, 36), (80, 24)


def _text(widget: Static) -> str:
    """The plain text a Static shows now."""
    from rich.console import Console

    content = widget.content
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, str):
        return content
    with open(os.devnull, "w") as devnull:
        console = Console(width=200, record=True, file=devnull)
        console.print(content)
    return console.export_text()


def _body(screen: LessonScreen, selector: str) -> str:
    return _text(screen.query_one(selector, Static))


def _lesson(screen: LessonScreen) -> str:
    """The lesson pane's text: its story and its card."""
    return _body(screen, "#lesson-body") + "\n" + _body(screen, "#lesson-now")


def _fd_rows(screen: LessonScreen, actor: str) -> dict[str, list[str]]:
    table = next(t for t in screen.query(FdTable) if t.actor == actor).query_one(DataTable)
    return {str(k.value): [c.plain for c in table.get_row(k)] for k in table.rows}


async def test_picker_lists_the_lessons_with_progress_and_opens_one(tmp_path: Path) -> None:
    ProgressStore(tmp_path / "progress.json").save("handshake", 4, 10)
    app = app_for(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        table = picker.query_one(DataTable)
        rows = {str(k.value): [c.plain for c in table.get_row(k)] for k in table.rows}
        order = bundled_catalog().courses[0].order()
        assert list(rows) == order and order[0] == "files"  # the course's order
        assert rows["backlog"][0].startswith("The listen backlog")
        assert "listen" in rows["backlog"][4] and rows["backlog"][2] == "beginner"
        assert rows["backlog"][3] == "en ko" and rows["backlog"][1] == "new"
        assert rows["handshake"][1] == "step 4/12"
        await pilot.press(*["down"] * order.index("backlog"), "enter")
        screen = await settled(pilot, app)
        assert screen.lesson.id == "backlog" and screen.state is not None
        assert screen.state.done == 0
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), what="the picker")
        # opening the handshake lesson (the one before) resumes at step 4, on a fresh lab
        assert order.index("handshake") == order.index("backlog") - 1
        await pilot.press("up", "enter")
        screen = await settled(pilot, app)
        assert screen.lesson.id == "handshake"
        assert screen.state is not None and screen.state.done == 4 and screen.state.replayed == 4
        assert "Resumed at step 4" in _lesson(screen)


async def test_next_keys_run_real_steps_and_every_pane_follows(tmp_path: Path) -> None:
    messages = Messages()
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE, message_hook=messages) as pilot:
        screen = await settled(pilot, app)
        # fds 0, 1, 2 before anything ran: what the kernel gave the actor, not the lesson
        assert set(_fd_rows(screen, "server")) == {"0", "1", "2"}
        for key in ("space", "enter", "n"):  # socket() (asked first), bind(), listen()
            await step(pilot, screen, key)
        assert messages.causes[:4] == ["start", "step", "step", "step"]
        rows = _fd_rows(screen, "server")
        assert rows["3"][1:3] == ["3", "socket"] and rows["3"][4] == "LISTEN"
        assert rows["3"][0] == "~"  # changed by this step (CLOSE -> LISTEN)
        assert rows["3"][5] == "0/3"  # waiting, of backlog 2 + 1: as the queues pane says
        screen.query_one(KernelPanes).open("log")  # a tab not open is drawn when it opens
        await pilot.pause()
        log = screen.query_one(SyscallLog)
        last = str(log.get_option_at_index(log.option_count - 1).prompt)
        assert last.endswith("server   listen(3, 2) = 0")
        assert "[ 50]" in last or os.uname().machine != "x86_64"
        assert "0/3 in the accept queue" in _body(screen, "#queues-body")
        body = _lesson(screen)
        assert "server: listen(3, 2) = 0" in body and "✓ lsock.state == LISTEN" in body
        assert "int listen(int sockfd, int backlog);" in body
        # a client connects: its SYN is on lo, the connection waits in no fd
        await press_steps(pilot, app, 2)
        assert "1/3 in the accept queue" in _body(screen, "#queues-body")
        assert "queued: accept() #1" in _body(screen, "#queues-body")
        packets = screen.query_one(PacketList)
        assert packets.row_count == 0  # on a tab not open: drawn when it opens
        await pilot.press("v")  # syscalls (opened above) -> packets
        await pilot.pause()
        flags = [packets.cells(i)["flags"].plain.strip() for i in range(packets.row_count)]
        assert flags[:3] == ["SYN", "SYN,ACK", "ACK"]
        assert "SYN,ACK" in app.export_screenshot()  # drawn on the screen, not only held
        last = messages.updates[-1].state
        assert [p.flags for p in last.packets][:3] == [("SYN",), ("SYN", "ACK"), ("ACK",)]
        assert app.progress.get("backlog").step == 5  # saved for next time


async def test_presses_while_the_kernel_works_are_queued_not_lost(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE) as pilot:
        await settled(pilot, app)
        # "2" answers step 1's question (wrongly) and runs it; the spaces wait their turn
        await pilot.press("2", "space", "space", "space")
        screen = await settled(pilot, app)
        assert screen.state.done == 4


async def test_hint_back_reset_and_language(tmp_path: Path) -> None:
    messages = Messages()
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE, message_hook=messages) as pilot:
        screen = await press_steps(pilot, app, 3)
        await pilot.press("h")
        await pilot.pause()
        assert screen.hint and "Hint for step 4:" in _lesson(screen)
        await pilot.press("h")
        await pilot.pause()
        assert "Hint for step" not in _lesson(screen)
        generation = screen.state.generation
        await pilot.press("b")
        await until(pilot, lambda: screen.state.generation > generation and not screen.busy)
        assert messages.causes[-1] == "back"
        assert screen.state.done == 2 and screen.state.replayed == 2
        assert "replayed steps 1-2" in _text(screen.query_one("#title", Static))
        assert "the kernel cannot be rewound" in _lesson(screen)
        assert _fd_rows(screen, "server")["3"][4] == "CLOSE"  # listen() not yet run again
        await pilot.press("r")
        await until(pilot, lambda: messages.causes[-1] == "reset" and not screen.busy)
        assert screen.state.done == 0 and screen.state.generation == generation + 2
        assert "3" not in _fd_rows(screen, "server")
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "ko"
        assert "실습 환경" in _text(screen.query_one("#title", Static))
        footer = screen.query_one(KeyBar).render().plain
        assert "다음" in footer and "Next" not in footer
        assert screen.query_one("#fds").border_title == "파일 디스크립터"
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "en"


async def test_help_lists_every_key_and_escape_goes_back_to_the_picker(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE) as pilot:
        await settled(pilot, app)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = " ".join(_text(s) for s in app.screen.query(Static))
        for word in ("space", "Hint", "Back (replay)", "Reset", "Lessons", "Quit", "rewound"):
            assert word in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LessonScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))


async def test_narrow_terminal_puts_the_kernel_panes_in_tabs(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_steps(pilot, app, 3)
        tabs = screen.query_one(TabbedContent)
        assert tabs.active == "tab-fds"
        await pilot.click("#views Tab#--content-tab-tab-queues")  # the mouse works on tabs
        await until(pilot, lambda: tabs.active == "tab-queues")
        assert "0/3 in the accept queue" in _body(screen, "#queues-body")
        await pilot.resize_terminal(*WIDE)
        await until(pilot, lambda: screen.wide and screen.query("#body"))
        assert _fd_rows(screen, "server")["3"][4] == "LISTEN"  # redrawn from the same state
        assert "Quit" in screen.query_one(KeyBar).render().plain


async def test_a_lab_that_dies_shows_the_reason_and_a_fresh_one_works(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE) as pilot:
        screen = await press_steps(pilot, app, 1)
        lab = screen.session.lab
        os.kill(lab.supervisor_pid, signal.SIGKILL)  # the lab really dies
        assert wait_until(lambda: not lab.alive)
        await pilot.press("space")
        await until(pilot, lambda: isinstance(app.screen, ErrorScreen), what="the error modal")
        text = " ".join(_text(s) for s in app.screen.query(Static))
        assert "the lab failed" in text and "stopped unexpectedly" in text
        assert "r: start a fresh lab" in text
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, LessonScreen))
        screen = await settled(pilot, app)
        assert screen.state.done == 0 and screen.session.lab.alive
        await press_steps(pilot, app, 1)
        assert _fd_rows(screen, "server")["3"][2] == "socket"


async def test_between_steps_the_screen_looks_only_when_the_lab_stirs(tmp_path: Path) -> None:
    messages = Messages()
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE, message_hook=messages) as pilot:
        screen = await press_steps(pilot, app, 1)
        await pilot.pause(0.3)
        assert "look" not in messages.causes  # idle: nothing asked of the kernel
        for _ in range(20):  # a burst of events: at most a look per 100 ms
            screen.post_message(KernelStirred())
        await until(pilot, lambda: "look" in messages.causes and not screen.busy)
        await pilot.pause(0.3)
        assert 1 <= messages.causes.count("look") <= 3


@pytest.mark.parametrize("key", ["q", "ctrl+c"])
async def test_quit_keys_end_the_lab(tmp_path: Path, key: str) -> None:
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE) as pilot:
        screen = await press_steps(pilot, app, 1)
        supervisor = screen.session.lab.supervisor_pid
        await pilot.press(key)
        await until(pilot, lambda: app.return_code is not None, timeout=5, what="the exit")
    app.close_labs()
    assert wait_until(lambda: not alive(supervisor)), f"{key}: the lab outlived the app"
    assert not app.sessions


def test_quitting_the_real_program_leaves_nothing(tmp_path: Path) -> None:
    """SIGKILL of the whole app: the supervisor dies with it (PDEATHSIG), and so does all."""
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from tests.tui_support import app_for, settled\n"
        "async def main():\n"
        "    app = app_for(Path(sys.argv[1]), lesson='backlog')\n"
        "    async with app.run_test(size=(120, 36)) as pilot:\n"
        "        screen = await settled(pilot, app)\n"
        "        print(screen.session.lab.supervisor_pid, flush=True)\n"
        "        await asyncio.sleep(60)\n"
        "asyncio.run(main())\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    supervisor = int(proc.stdout.readline())
    assert alive(supervisor)
    proc.kill()
    proc.wait(10)
    assert wait_until(lambda: not alive(supervisor))


async def test_picker_and_lesson_list_korean_when_asked(tmp_path: Path) -> None:
    app = app_for(tmp_path, lang="ko")
    async with app.run_test(size=WIDE) as pilot:
        table = app.screen.query_one(DataTable)
        first = table.get_row(next(iter(table.rows)))
        assert first[0].plain.startswith("파일과 파일 디스크립터") and first[2].plain == "입문"
        await pilot.press("enter")
        screen = await press_steps(pilot, app, 1)
        assert "커널" in _lesson(screen)
        assert isinstance(screen.query_one(LessonPane), LessonPane)
        assert "LISTEN 중인 소켓이 없습니다" in _body(screen, "#queues-body")
        assert screen.query_one(QueuesPane)


async def test_reset_and_back_pressed_while_the_kernel_works_wait_their_turn(tmp_path: Path) -> None:
    messages = Messages()
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE, message_hook=messages) as pilot:
        screen = await press_steps(pilot, app, 3)
        await pilot.press("space", "r")  # the reset waits for the step in flight
        screen = await settled(pilot, app)
        assert messages.causes[-2:] == ["step", "reset"] or messages.causes[-1] == "reset"
        assert screen.state.done == 0 and not screen.notice == "went_back"
        await pilot.press("space", "b")  # back from step 1: the start, said as a reset
        screen = await settled(pilot, app)
        assert screen.state.done == 0 and "steps 1-0" not in _lesson(screen)


async def test_a_look_between_steps_keeps_its_packets_for_the_next_record(tmp_path: Path) -> None:
    """What the next step's packets(...) checks count must not depend on the screen looking."""
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE) as pilot:
        screen = await press_steps(pilot, app, 13)  # the queue full, two clients in SYN_SENT
        session = screen.session
        await asyncio.sleep(1.5)  # their kernels resend the SYN on a timer, between steps
        await asyncio.to_thread(session.look)  # the screen looks, as it would on an event
        carried = set(session._played.run._carried) if session._played else set()
        assert carried, "the look saw the retransmitted SYNs"
        screen = await press_steps(pilot, app, 1)
        assert carried <= {p.n for p in screen.state.last.wire.packets}


def test_a_broken_progress_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text('{"lessons": {"backlog": {"step": Infinity, "total": 21}}}')
    store = ProgressStore(path)
    assert store.get("backlog") is None and store.problem
    assert (tmp_path / "progress.json.bad").exists() and not path.exists()
    store.save("backlog", 2, 21)
    assert ProgressStore(path).get("backlog").step == 2
    path.unlink()
    path.mkdir()  # cannot be replaced: the save fails, says why, and leaves no temporary file
    store.save("backlog", 3, 21)
    assert store.problem and not list(tmp_path.glob(".progress-*"))


# -- part two: predict then run, the sandbox prompt, the ladder and cross-links ----------------

async def test_a_question_is_asked_before_its_step_and_a_right_answer_is_scored(
        tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE) as pilot:
        screen = await settled(pilot, app)
        ask = screen.lesson.steps[0].ask
        assert ask is not None
        await pilot.press("space")  # the question first: nothing runs
        await until(pilot, lambda: screen.asking)
        assert screen.state.done == 0 and "press 1-3" in _lesson(screen)
        await pilot.press(str(ask.answer))
        await until(pilot, lambda: screen.state.done == 1 and not screen.busy)
        body = _lesson(screen)
        assert f"✓ You predicted {ask.answer}." in body
        assert "The kernel agreed" in body  # the step's checks passed on the real kernel
        assert app.progress.get("backlog").answers == {"1": [ask.answer, ask.answer]}
        assert app.progress.get("backlog").score == (1, 1)


async def test_a_wrong_answer_is_shown_with_the_right_one_and_scored(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="backlog")
    async with app.run_test(size=WIDE) as pilot:
        screen = await settled(pilot, app)
        ask = screen.lesson.steps[0].ask
        assert ask is not None
        wrong = next(n for n in range(1, len(ask.choices) + 1) if n != ask.answer)
        await step(pilot, screen, "space", choice=wrong)
        body = _lesson(screen)
        assert f"✗ You predicted {wrong}." in body
        assert f"Answer: {ask.answer}." in body
        assert app.progress.get("backlog").score == (0, 1)
        # the progress file keeps it for the picker and the next run
        saved = json.loads((tmp_path / "progress.json").read_text())
        assert saved["lessons"]["backlog"]["answers"] == {"1": [wrong, ask.answer]}


async def test_a_typed_step_runs_on_the_lab_and_the_fd_table_changes(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson=sandbox_lesson())
    async with app.run_test(size=WIDE) as pilot:
        screen = await settled(pilot, app)
        assert set(_fd_rows(screen, "server")) == {"0", "1", "2"}
        await typed(pilot, screen, "lsock = server.socket(AF_INET, SOCK_STREAM, 0)",
                    "server: bind(lsock, 10.0.0.2:8080)", "server.listen(lsock, 2)")
        screen = await settled(pilot, app)
        rows = _fd_rows(screen, "server")
        assert rows["3"][2] == "socket" and rows["3"][4] == "LISTEN"  # read from the kernel
        assert [r.step.do for r in screen.state.records] == [
            "server.socket(AF_INET, SOCK_STREAM, 0)", "server.bind(lsock, 10.0.0.2:8080)",
            "server.listen(lsock, 2)"]
        assert all(r.typed for r in screen.state.records)
        assert app.sandbox_history[-1] == "server.listen(lsock, 2)"
        await pilot.press("b")  # back undoes the last typed step, by replay
        await until(pilot, lambda: len(screen.state.records) == 2 and not screen.busy)
        screen = await settled(pilot, app)
        assert _fd_rows(screen, "server")["3"][4] != "LISTEN"


async def test_lines_typed_while_the_kernel_works_run_in_order_not_refused(
        tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson=sandbox_lesson())
    async with app.run_test(size=WIDE) as pilot:
        screen = await settled(pilot, app)
        lines = ("lsock = server.socket(AF_INET, SOCK_STREAM, 0)",
                 "server.bind(lsock, 10.0.0.2:8080)", "server.listen(lsock, 2)")
        # entered one after the other with no wait (what the prompt's enter calls): the
        # second and third arrive while the first runs
        assert all([screen.perform_typed(line) for line in lines])
        assert screen.busy and len(screen.requests.typed) == 3  # the first in flight, two queued
        await until(pilot, lambda: len(screen.state.records) == 3 and not screen.busy,
                    what="the three lines to run")
        assert [r.step.do for r in screen.state.records] == [
            "server.socket(AF_INET, SOCK_STREAM, 0)", "server.bind(lsock, 10.0.0.2:8080)",
            "server.listen(lsock, 2)"]
        assert [r.error for r in screen.state.records] == [None, None, None]
        screen = await settled(pilot, app)
        assert _fd_rows(screen, "server")["3"][4] == "LISTEN"


async def test_a_step_that_takes_long_is_shown_running_then_its_result(tmp_path: Path) -> None:
    """A watch until an event that comes late (here never: its limit, 2 s) changes the screen
    while it runs, so the key that started it visibly did something."""
    from syscall_lab.tui.widgets import TitleBar

    app = app_for(tmp_path, lesson=sandbox_lesson())
    async with app.run_test(size=NARROW) as pilot:
        screen = await settled(pilot, app)
        title = screen.query_one(TitleBar)
        assert "running" not in _text(title)
        assert screen.perform_typed("watch 2s until count(LISTEN) == 1")
        await until(pilot, lambda: "running: watch 2s until count(LISTEN) == 1" in _text(title),
                    what="the title bar to say the step runs")
        await until(pilot, lambda: not screen.busy and len(screen.state.records) == 1,
                    what="the watch to end")
        await pilot.pause(0.05)
        assert "running" not in _text(title)
        assert "watch 2s until count(LISTEN) == 1" in _lesson(screen)


async def test_a_wrong_typed_step_shows_where_inline_and_changes_nothing(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson=sandbox_lesson())
    async with app.run_test(size=WIDE) as pilot:
        screen = await settled(pilot, app)
        generation = screen.state.generation
        await pilot.press("colon")
        await pilot.press(*"server.lisen(3, 2)")
        await pilot.press("enter")
        await pilot.pause(0.3)
        note = _text(screen.query_one("#sandbox-note", Static))
        assert "column 8: unknown syscall 'lisen' - did you mean 'listen'?" in note
        assert note.index("^") == len(" ") + 7  # the caret under the 'l' of lisen
        drawn = app.export_screenshot().replace("&#160;", " ")
        # on screen, not under the footer (the SVG has a span per style)
        assert "column 8: " in drawn and "unknown syscall &#x27;lisen&#x27;" in drawn
        assert screen.query_one("#sandbox-input", Input).value == "server.lisen(3, 2)"
        assert screen.state.records == () and screen.state.generation == generation
        assert set(_fd_rows(screen, "server")) == {"0", "1", "2"}
        assert not app.sandbox_history
        field = screen.query_one("#sandbox-input", Input)
        field.value = ""
        await pilot.press(*"server.lis")
        await pilot.pause(0.2)  # the completion is worked out in the background
        await pilot.press("tab")
        assert field.value == "server.listen"  # tab takes the call the suggester offers


async def test_selecting_a_packet_highlights_its_step_and_opens_its_fields(
        tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="handshake")
    async with app.run_test(size=WIDE) as pilot:
        screen = await press_steps(pilot, app, 8)  # connect(): SYN out, SYN/ACK held
        ladder = screen.query_one(Ladder)
        packets = [r.packet.n for r in ladder.rows if r.packet is not None]
        assert packets[:2] == [1, 2]
        ladder.focus()
        await pilot.press("home")
        await pilot.pause()
        first = next(i for i, r in enumerate(ladder.rows) if r.packet is not None)
        while ladder.cursor != first:
            await pilot.press("down")
        await pilot.pause()
        assert screen.focus_step == 8  # the SYN was sent by step 8, client's connect()
        log = screen.query_one(SyscallLog)
        assert log.highlighted is not None
        assert (log.get_option_at_index(log.highlighted).id or "").startswith("8.")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PacketScreen))
        text = " ".join(_text(s) for s in app.screen.query(Static))
        assert "TCP" in text and "flags" in text and "0000" in text  # layers and hex


async def test_the_ladder_shows_a_held_syn_ack_in_flight_and_states_beside_it(
        tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="handshake", mask=False)
    async with app.run_test(size=WIDE) as pilot:
        screen = await press_steps(pilot, app, 8)
        rows = screen.query_one(Ladder).rows
        synack = next(r for r in rows if r.packet and r.packet.flags == ("SYN", "ACK"))
        assert synack.packet is not None and synack.packet.fate == "held"
        assert not synack.to_server
        states = {(r.to_server, r.state) for r in rows if r.trace is not None}
        assert (False, "SYN_SENT") in states and (True, "SYN_RECV") in states
        await pilot.press("v", "v", "v", "v")  # ladder -> syscalls, packets, states, wire
        await pilot.pause()
        held = screen.query_one(HeldTable)
        held_ns = [int(str(k.value)) for k in held.rows]
        assert held_ns[0] == synack.packet.n
        assert screen.state is not None  # the tab draws the latest look: by then the
        by_n = {p.n: p for p in screen.state.packets}  # server may have retransmitted it
        assert all(by_n[n].flags == ("SYN", "ACK") for n in held_ns)
