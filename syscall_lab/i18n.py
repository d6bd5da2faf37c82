"""Every text a student reads, in English and Korean.

Lesson texts are ``str`` or ``{"en": ..., "ko": ...}``; :func:`pick` chooses. Our own words
live in :data:`MESSAGES` and are fetched with :func:`t`. A test checks both languages exist for
every key and that the ``{placeholders}`` agree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = ["FIELD_LABELS", "LANGS", "MESSAGES", "Msg", "Text", "default_lang", "field_label",
           "pick", "say", "t"]

LANGS = ("en", "ko")
Text = str | Mapping[str, str]


def default_lang() -> str:
    """``SYSCALL_LAB_LANG``, else Korean when the locale is Korean, else English."""
    explicit = os.environ.get("SYSCALL_LAB_LANG", "")
    if explicit in LANGS:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


class Msg(str):
    """A message of the layers below the front ends (the loader, the grammar, the lab), said
    in English as a ``str`` and able to say itself in another language.

    Its English template is its key: ``Msg("unknown key '{key}'{hint}", key=k, hint=...)``.
    The Korean for each template lives in :mod:`syscall_lab.i18n_ko` (a test checks that
    every template written in the code has one, with the same placeholders). A value may be a
    Msg itself (a "did you mean" hint), said in the same language. It is a ``str``, so code that
    only needs English (logs, tests, ``in``) reads it as before; joining it to another string
    makes a plain string, so messages are built from templates, not by adding pieces.
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Msg:
        obj = super().__new__(cls, template.format(**values))
        obj.template = template
        obj.values = values
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        # Copied and pickled as its template and values (its English may hold braces).
        return (_rebuild, (self.template, self.values))

    def say(self, lang: str) -> str:
        """The message in ``lang`` (English where it has no translation yet)."""
        if lang == "en":
            return str(self)
        from .i18n_ko import translation

        template = translation(self.template, lang) or self.template
        return template.format(**{k: v.say(lang) if isinstance(v, Msg) else v
                                  for k, v in self.values.items()})

    def to_json(self) -> dict[str, Any]:
        """The message across a process boundary (the supervisor's replies)."""
        return {"template": self.template,
                "values": {k: v.to_json() if isinstance(v, Msg) else v
                           for k, v in self.values.items()}}

    @classmethod
    def from_json(cls, data: Any, english: str) -> str:
        """The message sent by :meth:`to_json`, or ``english`` when it is not one."""
        try:
            values = {k: cls.from_json(v, "") if isinstance(v, dict) and "template" in v
                      else v for k, v in data["values"].items()}
            return cls(data["template"], **values)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return english


def _rebuild(template: str, values: dict[str, Any]) -> Msg:
    return Msg(template, **values)


def say(text: object, lang: str) -> str:
    """``text`` in ``lang``: a :class:`Msg` translated, any other text as it is."""
    return text.say(lang) if isinstance(text, Msg) else str(text)


def pick(text: Text | None, lang: str) -> str:
    """``text`` in ``lang``. A text not written in ``lang`` falls back to English (or the
    language it has) behind a visible marker, so nobody mistakes it for a translation."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if text.get(lang):
        return text[lang]
    fallback = text.get("en") or next(iter(text.values()), "")
    return t("untranslated", lang) + " " + fallback if fallback else ""


MESSAGES: dict[str, dict[str, str]] = {
    "step": {"en": "Step {n} of {total}", "ko": "{total}단계 중 {n}단계"},
    "syscall_nr": {"en": "syscall {name} = {nr} on {arch}", "ko": "{arch}의 시스템 콜 {name} = {nr}번"},
    "blocked": {"en": "{actor} is blocked in {call}() - the kernel put it to sleep",
                "ko": "{actor}는 {call}()에서 블록되었습니다 - 커널이 재웠습니다"},
    "running": {"en": "{actor} is still running {call}()",
                "ko": "{actor}는 아직 {call}()을 실행 중입니다"},
    "returned_later": {"en": "{actor}: {c}   (returned just now)",
                       "ko": "{actor}: {c}   (방금 반환됨)"},
    "forked_child": {"en": "{actor}: {c}", "ko": "{actor}: {c}"},
    "exited": {"en": "{actor} exited {how}", "ko": "{actor} 종료 {how}"},
    "wrote": {"en": "{actor} wrote: {text}", "ko": "{actor}의 출력: {text}"},
    "sysctl_set": {"en": "sysctl {name} = {value} in the lab's namespace ({where}; it was "
                         "{was}). The host's own is untouched.",
                   "ko": "실습 네임스페이스({where})의 sysctl {name} = {value} (전에는 {was}). "
                         "호스트의 값은 그대로입니다."},
    "watched": {"en": "watched the kernel for {seconds} s", "ko": "{seconds}초 동안 커널을 지켜보았습니다"},
    "changes": {"en": "What the kernel changed", "ko": "커널에서 바뀐 것"},
    "no_changes": {"en": "nothing changed in the kernel", "ko": "커널에서 바뀐 것이 없습니다"},
    "checks": {"en": "Checks", "ko": "검사"},
    "irqs_moved": {"en": "interrupt counters that moved during this step (the whole machine): "
                         "{moves}",
                   "ko": "이 단계 동안 움직인 인터럽트 카운터(머신 전체): {moves}"},
    "irqs_still": {"en": "no interrupt counter moved during this step",
                   "ko": "이 단계 동안 움직인 인터럽트 카운터가 없습니다"},
    "net_moved": {"en": "the lab's network counters that moved during this step: {moves}",
                  "ko": "이 단계 동안 움직인 실습 네트워크 카운터: {moves}"},
    "net_still": {"en": "none of the lab's network counters moved during this step",
                  "ko": "이 단계 동안 움직인 실습 네트워크 카운터가 없습니다"},
    "actual": {"en": "the kernel shows {actual}", "ko": "커널 값: {actual}"},
    "summary_ok": {"en": "All {n} checks passed.", "ko": "검사 {n}개 모두 통과했습니다."},
    "summary_skipped": {"en": "{n} not made on this machine (their condition does not hold).",
                        "ko": "{n}개는 이 머신에서 조건이 맞지 않아 검사하지 않았습니다."},
    "skipped": {"en": "not checked on this machine: {cond} does not hold ({why})",
                "ko": "이 머신에서는 검사하지 않음: {cond} 조건이 맞지 않습니다({why})"},
    "summary_fail": {"en": "{failed} of {n} checks failed.", "ko": "검사 {n}개 중 {failed}개가 실패했습니다."},
    "step_error": {"en": "the step could not run: {error}", "ko": "이 단계를 실행할 수 없습니다: {error}"},
    "fd_opened": {"en": "{actor}: fd {fd} opened -> {what}", "ko": "{actor}: fd {fd} 열림 -> {what}"},
    "fd_closed": {"en": "{actor}: fd {fd} closed (was {what})", "ko": "{actor}: fd {fd} 닫힘 (이전: {what})"},
    "fd_changed": {"en": "{actor}: fd {fd} {what}", "ko": "{actor}: fd {fd} {what}"},
    "process_started": {"en": "{actor}: new process, pid {pid}", "ko": "{actor}: 새 프로세스, pid {pid}"},
    "process_exited": {"en": "{actor}: process gone (reaped)", "ko": "{actor}: 프로세스 사라짐 (회수됨)"},
    "process_changed": {"en": "{actor}: {what}", "ko": "{actor}: {what}"},
    "socket_appeared": {"en": "kernel socket {key}: {what}", "ko": "커널 소켓 {key}: {what}"},
    "socket_gone": {"en": "kernel socket {key} is gone", "ko": "커널 소켓 {key} 사라짐"},
    "socket_changed": {"en": "kernel socket {key}: {what}", "ko": "커널 소켓 {key}: {what}"},
    "no_fd": {"en": "no fd holds it yet", "ko": "아직 어떤 fd도 가지고 있지 않음"},
    "no_fd_any_more": {"en": "no fd holds it any more ({actor} closed it)", "ko": "이제 어떤 fd도 가지고 있지 않음 (닫은 프로세스: {actor})"},
    "no_fd_exited": {"en": "no fd holds it any more: {actor} exited, and its fds with it", "ko": "이제 어떤 fd도 가지고 있지 않음: 프로세스 {actor}의 종료와 함께 fd도 닫힘"},
    "no_fd_closed": {"en": "no fd holds it: closed, the kernel finishes it alone",
                     "ko": "어떤 fd도 가지고 있지 않음: 닫혔고, 커널이 혼자 마무리함"},
    "cannot_run": {"en": "cannot start a lab: {reason}", "ko": "실습 환경을 시작할 수 없습니다: {reason}"},
    "fix": {"en": "fix: {fix}", "ko": "해결 방법: {fix}"},
    "lab_failed": {"en": "the lab failed: {reason}", "ko": "실습 환경 오류: {reason}"},
    "unknown_lesson": {"en": "no lesson '{name}' (lessons: {known})",
                       "ko": "'{name}' 레슨이 없습니다 (레슨 목록: {known})"},
    "now_blocked": {"en": "blocked in {call}()", "ko": "{call}()에서 블록됨"},
    "returned_from": {"en": "returned from {call}()", "ko": "{call}()에서 반환됨"},
    "interrupted": {"en": "interrupted; the lab was shut down", "ko": "중단됨; 실습 환경을 정리했습니다"},
    "packets": {"en": "Packets on the wire", "ko": "선 위의 패킷"},
    "packets_lo": {"en": "Packets on lo", "ko": "lo의 패킷"},
    "wire_rule": {"en": "wire: new rule #{id}: {rule}", "ko": "선(wire): 새 규칙 #{id}: {rule}"},
    "wire_deliver": {"en": "wire: delivered held packets {which}", "ko": "선(wire): 붙잡아 둔 패킷 {which} 전달"},
    "wire_drop": {"en": "wire: dropped held packets {which}", "ko": "선(wire): 붙잡아 둔 패킷 {which} 버림"},
    "wire_clear": {"en": "wire: {n} rules removed; packets pass freely", "ko": "선(wire): 규칙 {n}개 삭제, 패킷이 그대로 지나갑니다"},
    "held_now": {"en": "held on the wire: {which}", "ko": "선 위에 붙잡혀 있는 패킷: {which}"},
    "none": {"en": "none", "ko": "없음"},
    "packets_omitted": {"en": "... and {n} more packets (see --pcap for all)", "ko": "... 그 밖의 패킷 {n}개 (전체는 --pcap으로)"},
    "packets_lost": {"en": "the kernel dropped {n} packets before the lab could read them ({where})", "ko": "실습 환경이 읽기 전에 커널이 패킷 {n}개를 버렸습니다 ({where})"},
    "pcap_written": {"en": "wrote {n} packets to {path}", "ko": "패킷 {n}개를 {path}에 저장했습니다"},
    "untranslated": {"en": "[no English text]", "ko": "[번역 없음]"},
    "ask": {"en": "Question", "ko": "질문"},
    "answer": {"en": "Answer: {n}. {choice}", "ko": "정답: {n}. {choice}"},
    "hint": {"en": "Hint", "ko": "힌트"},
    "load_failed": {"en": "{n} problems in lesson files", "ko": "레슨 파일에 문제 {n}개"},
    "lesson_clash": {"en": "lesson id '{name}' is used by {files}: rename one of them", "ko": "레슨 id '{name}'를 여러 파일이 씁니다: {files} - 하나의 이름을 바꾸세요"},
    "check_pass": {"en": "PASS {path}  {id}: {steps} steps, {checks} checks{skipped} ({seconds:.1f} s)", "ko": "통과 {path}  {id}: {steps}단계, 검사 {checks}개{skipped} ({seconds:.1f}초)"},
    "check_fail": {"en": "FAIL {path}  {id}: {failed} of {checks} checks failed", "ko": "실패 {path}  {id}: 검사 {checks}개 중 {failed}개 실패"},
    "check_invalid": {"en": "INVALID {path} (problems: {n})", "ko": "잘못됨 {path} (문제 {n}개)"},
    "check_valid": {"en": "VALID {path}  {id}: {steps} steps, {checks} checks (not run)", "ko": "유효 {path}  {id}: {steps}단계, 검사 {checks}개 (실행 안 함)"},
    "check_failed_line": {"en": "step {n}: check '{expect}' failed: the kernel shows {actual}", "ko": "{n}단계: 검사 '{expect}' 실패: 커널 값 {actual}"},
    "check_skipped_line": {"en": "step {n}: check '{expect}' not made: {cond} does not hold "
                                 "here ({why})",
                           "ko": "{n}단계: 검사 '{expect}' 건너뜀: 여기서는 {cond} 조건이 맞지 "
                                 "않습니다({why})"},
    "check_pass_skipped": {"en": ", {n} not made here", "ko": ", {n}개는 여기서 건너뜀"},
    "check_error_line": {"en": "step {n} could not run: {error}", "ko": "{n}단계를 실행할 수 없습니다: {error}"},
    "check_summary": {"en": "{n} lessons: {passed} passed, {failed} failed, {invalid} invalid", "ko": "레슨 {n}개: 통과 {passed}, 실패 {failed}, 잘못됨 {invalid}"},
    "check_summary_static": {"en": "{n} lessons: {valid} valid, {invalid} invalid", "ko": "레슨 {n}개: 유효 {valid}, 잘못됨 {invalid}"},
    "no_lessons": {"en": "no lesson files found (looked in {dirs})", "ko": "레슨 파일이 없습니다 (찾아본 곳: {dirs})"},
    "write_failed": {"en": "cannot write {path}: {reason}", "ko": "{path}에 쓸 수 없습니다: {reason}"},
    "warning": {"en": "warning", "ko": "경고"},
    "output_is_input": {"en": "{option} {path} is {what}: write it to another file (syscall-lab never writes over what it reads, nor one output over another)", "ko": "{option} {path}는 {what}입니다: 다른 파일에 쓰세요 (syscall-lab은 읽는 파일이나 다른 출력 파일 위에 쓰지 않습니다)"},
    "the_lesson": {"en": "the lesson itself", "ko": "레슨 파일 자체"},
    "the_recording": {"en": "the recording being read", "ko": "읽고 있는 녹화본"},
    "an_output": {"en": "another output of this command", "ko": "이 명령의 다른 출력 파일"},
    # syscall-lab doctor
    "doctor_package": {"en": "Python package {package}", "ko": "Python 패키지 {package}"},
    "doctor_missing": {"en": "missing", "ko": "없음"},
    "doctor_package_fix": {"en": "pip install '{package}' (or reinstall: pip install syscall-lab)", "ko": "pip install '{package}' (또는 다시 설치: pip install syscall-lab)"},
    "doctor_python_fix": {"en": "install Python 3.11 or newer", "ko": "Python 3.11 이상을 설치하세요"},
    "doctor_tun_ok": {"en": "usable: the wire uses TUN devices", "ko": "사용 가능: 와이어가 TUN 장치를 씁니다"},
    "doctor_tun_veth": {"en": "{reason}; the wire uses veth ports instead (the same packets and controls)", "ko": "{reason}; 와이어가 대신 veth 포트를 씁니다 (패킷과 제어는 같습니다)"},
    "doctor_tun_fix": {"en": "to use TUN devices: sudo chmod 0666 {path}", "ko": "TUN 장치를 쓰려면: sudo chmod 0666 {path}"},
    "doctor_sandbox": {"en": "lab sandbox", "ko": "실습 환경 샌드박스"},
    "doctor_wire_label": {"en": "lab wire", "ko": "실습 환경 와이어"},
    "doctor_userns": {"en": "user+net+pid namespaces", "ko": "user+net+pid 네임스페이스"},
    "doctor_root": {"en": "net+pid namespaces (root)", "ko": "net+pid 네임스페이스 (root)"},
    "doctor_fd3": {"en": "an actor performs socket() and the kernel shows fd 3", "ko": "actor가 socket()을 실행하고 커널이 fd 3을 보여 줌"},
    "doctor_capture": {"en": "capture on lo", "ko": "lo에서 패킷 캡처"},
    "doctor_wire": {"en": "wire between two hosts ({backend})", "ko": "두 호스트 사이의 와이어 ({backend})"},
    "doctor_rst": {"en": "connect() to a closed port: SYN, RST/ACK seen", "ko": "닫힌 포트로 connect(): SYN, RST/ACK를 보았습니다"},
    "doctor_seen": {"en": "packets seen: {flags}", "ko": "본 패킷: {flags}"},
    "doctor_see_readme": {"en": "see the README's troubleshooting", "ko": "README의 문제 해결(Troubleshooting)을 보세요"},
    "doctor_cannot": {"en": "syscall-lab cannot run a lab here.", "ko": "이 컴퓨터에서는 실습 환경을 실행할 수 없습니다."},
    "doctor_can": {"en": "syscall-lab can run labs here.", "ko": "이 컴퓨터에서 실습 환경을 실행할 수 있습니다."},
    # The TUI
    "app_title": {"en": "syscall-lab", "ko": "syscall-lab"},
    "picker_title": {"en": "Pick a lesson", "ko": "레슨을 고르세요"},
    "picker_loading": {"en": "Reading the lessons...", "ko": "레슨을 읽는 중..."},
    "picker_help": {"en": "enter: open · l: 한국어 · ?: help · q: quit", "ko": "enter: 열기 · l: English · ?: 도움말 · q: 끝내기"},
    "col_title": {"en": "Lesson", "ko": "레슨"},
    "col_topics": {"en": "Topics", "ko": "주제"},
    "col_level": {"en": "Level", "ko": "수준"},
    "col_langs": {"en": "Lang", "ko": "언어"},
    "col_progress": {"en": "Progress", "ko": "진도"},
    "progress_none": {"en": "new", "ko": "처음"},
    "progress_done": {"en": "done", "ko": "완료"},
    "progress_at": {"en": "step {n}/{total}", "ko": "{total}단계 중 {n}"},
    "picker_problems": {"en": "{n} lesson files have problems (syscall-lab check shows where): {files}", "ko": "문제가 있는 레슨 파일 {n}개 (위치는 syscall-lab check로): {files}"},
    "progress_unreadable": {"en": "progress could not be read or saved: {problem}", "ko": "진도를 읽거나 저장할 수 없습니다: {problem}"},
    "level_beginner": {"en": "beginner", "ko": "입문"},
    "level_intermediate": {"en": "intermediate", "ko": "중급"},
    "level_advanced": {"en": "advanced", "ko": "고급"},
    "lab_starting": {"en": "starting the lab...", "ko": "실습 환경 시작 중..."},
    "lab_ready": {"en": "lab ready", "ko": "실습 환경 준비됨"},
    "lab_busy": {"en": "the kernel is working...", "ko": "커널이 처리 중..."},
    "lab_running": {"en": "running: {action}...", "ko": "실행 중: {action}..."},
    "lab_replayed": {"en": "replayed steps 1-{n} on a fresh lab", "ko": "새 실습 환경에서 1-{n}단계를 다시 실행함"},
    "lab_stopped": {"en": "lab stopped", "ko": "실습 환경 멈춤"},
    "step_intro": {"en": "Before step 1", "ko": "1단계 전"},
    "lesson_over": {"en": "The lesson is over: {passed} of {n} checks passed. r: start again · escape: lessons", "ko": "레슨이 끝났습니다: 검사 {n}개 중 {passed}개 통과. r: 처음부터 · escape: 레슨 목록"},
    "next_step": {"en": "Next, step {n}", "ko": "다음, {n}단계"},
    "press_next": {"en": "space: run it", "ko": "space: 실행"},
    "think": {"en": "Think first", "ko": "먼저 생각해 보세요"},
    "no_hint": {"en": "This step has no hint.", "ko": "이 단계에는 힌트가 없습니다."},
    "blocked_short": {"en": "blocked in {call}()", "ko": "{call}()에서 블록됨"},
    "pane_fds": {"en": "File descriptors", "ko": "파일 디스크립터"},
    "pane_queues": {"en": "Sockets and queues", "ko": "소켓과 큐"},
    "pane_log": {"en": "Syscalls", "ko": "시스템 콜"},
    "pane_packets": {"en": "Packets", "ko": "패킷"},
    "pane_console": {"en": "Console", "ko": "콘솔"},
    "col_fd": {"en": "fd", "ko": "fd"},
    "col_kind": {"en": "kind", "ko": "종류"},
    "col_target": {"en": "target", "ko": "대상"},
    "col_state": {"en": "state", "ko": "상태"},
    "col_queues": {"en": "queues", "ko": "큐"},
    "fd_closed_mark": {"en": "closed", "ko": "닫힘"},
    "took": {"en": "the call took {ms:.3f} ms", "ko": "호출에 걸린 시간: {ms:.3f}ms"},
    "proc_cpus": {"en": "may run on CPU {cpus}", "ko": "CPU {cpus}에서만 실행 가능"},
    "proc_threads": {"en": "{n} threads", "ko": "스레드 {n}개"},
    "thread_line": {"en": "thread, tid {tid} · {state}", "ko": "스레드, tid {tid} · {state}"},
    "worker_line": {"en": "{who}: CPU time {cpu:.2f} s, wall {wall:.2f} s, ran on CPU {cpus}, "
                          "preempted {switches} times",
                    "ko": "{who}: CPU 시간 {cpu:.2f}초, 경과 시간 {wall:.2f}초, 실행한 CPU {cpus}, "
                          "선점 {switches}회"},
    "worker_child": {"en": "child pid {pid}", "ko": "자식 pid {pid}"},
    "worker_thread": {"en": "thread {n}", "ko": "스레드 {n}"},
    "proc_line": {"en": "pid {pid} (host {host_pid}) · {state}", "ko": "pid {pid} (호스트 {host_pid}) · {state}"},
    "accept_queue_line": {"en": "{depth}/{cap} in the accept queue (backlog {backlog} + 1)", "ko": "accept 큐 {depth}/{cap} (backlog {backlog} + 1)"},
    "no_listen": {"en": "No socket is listening.", "ko": "LISTEN 중인 소켓이 없습니다."},
    "syn_recv_title": {"en": "Half-open (SYN_RECV): handshake not finished", "ko": "반쯤 열린 연결 (SYN_RECV): 핸드셰이크 진행 중"},
    "orphans_title": {"en": "In the kernel, in no fd", "ko": "커널에는 있지만 fd는 없음"},
    "orphan_queue": {"en": "queued: accept() #{n}", "ko": "대기: accept() {n}번째"},
    "orphan_timewait": {"en": "closed; kept a while", "ko": "닫힘; 잠시 보관"},
    "no_packets": {"en": "No packets yet.", "ko": "아직 패킷이 없습니다."},
    "no_output": {"en": "Nothing written to fds 1 and 2 yet.", "ko": "아직 fd 1, 2에 출력이 없습니다."},
    "col_no": {"en": "#", "ko": "#"},
    "col_time": {"en": "time", "ko": "시간"},
    "col_path": {"en": "from → to", "ko": "보낸 쪽 → 받는 쪽"},
    "col_flags": {"en": "flags", "ko": "플래그"},
    "col_seq": {"en": "seq", "ko": "seq"},
    "col_ack": {"en": "ack", "ko": "ack"},
    "col_len": {"en": "len", "ko": "길이"},
    "col_fate": {"en": "fate", "ko": "처리"},
    "help_title": {"en": "Keys", "ko": "키"},
    "help_back_note": {"en": "The kernel cannot be rewound: b starts a fresh lab and replays the lesson up to the step before.", "ko": "커널은 되감을 수 없습니다: b는 새 실습 환경에서 직전 단계까지 레슨을 다시 실행합니다."},
    "help_truth": {"en": "Every fd, state, queue and packet on screen was read from the kernel after the step.", "ko": "화면의 fd, 상태, 큐, 패킷은 모두 단계가 끝난 뒤 커널에서 읽은 값입니다."},
    "help_close": {"en": "escape or ? closes this", "ko": "escape 또는 ?로 닫기"},
    "key_next": {"en": "Next", "ko": "다음"},
    "key_hint": {"en": "Hint", "ko": "힌트"},
    "key_reset": {"en": "Reset", "ko": "처음부터"},
    "key_back": {"en": "Back (replay)", "ko": "뒤로(재실행)"},
    "key_lang": {"en": "한국어", "ko": "English"},
    "key_lessons": {"en": "Lessons", "ko": "목록"},
    "key_help": {"en": "Help", "ko": "도움말"},
    "key_quit": {"en": "Quit", "ko": "종료"},
    "key_open": {"en": "Open", "ko": "열기"},
    "key_answer": {"en": "Answer", "ko": "답하기"},
    "key_sandbox": {"en": "Type a step", "ko": "단계 입력"},
    "key_view": {"en": "Next view", "ko": "다음 보기"},
    "key_focus": {"en": "Next pane (then ↑↓ PgUp PgDn scroll it)", "ko": "다음 창 (↑↓ PgUp PgDn으로 스크롤)"},
    "key_focus_back": {"en": "Previous pane", "ko": "이전 창"},
    "key_scroll_up": {"en": "Scroll the lesson up", "ko": "레슨 위로 스크롤"},
    "key_scroll_down": {"en": "Scroll the lesson down", "ko": "레슨 아래로 스크롤"},
    "tab_fds": {"en": "fd", "ko": "fd"},
    "tab_queues": {"en": "Queues", "ko": "큐"},
    "tab_log": {"en": "Syscalls", "ko": "시스템 콜"},
    "tab_packets": {"en": "Packets", "ko": "패킷"},
    "tab_console": {"en": "Console", "ko": "콘솔"},
    "tab_ladder": {"en": "Ladder", "ko": "래더"},
    "tab_states": {"en": "States", "ko": "상태"},
    "tab_wire": {"en": "Wire", "ko": "와이어"},
    "step_short": {"en": "Step {n}:", "ko": "{n}단계:"},
    "checks_passed": {"en": "all {n} checks passed", "en_one": "the check passed", "ko": "검사 {n}개 모두 통과"},
    "answer_is": {"en": "Answer: {n}.", "ko": "정답: {n}."},
    "prediction_right": {"en": "You predicted {n}: right.", "ko": "{n}번으로 예측했습니다: 맞았습니다."},
    "prediction_wrong": {"en": "You predicted {n}; the answer is {answer} (see above).", "ko": "{n}번으로 예측했습니다. 정답은 {answer}번입니다 (위 설명 참고)."},
    "no_question": {"en": "No question is asked now: press space to run the next step.", "ko": "지금은 질문이 없습니다: space를 눌러 다음 단계를 실행하세요."},
    "already_answered": {"en": "Already answered: the step runs as soon as the kernel is done.", "ko": "이미 답했습니다: 커널이 끝나는 대로 단계가 실행됩니다."},
    "answer_after_step": {"en": "The kernel is still running the step: answer the next question once its result is on screen.", "ko": "커널이 아직 단계를 실행 중입니다: 결과가 화면에 나온 뒤 다음 질문에 답하세요."},
    "answer_taken": {"en": "Your answer: {n}. The step runs as soon as the kernel is done.", "ko": "내 답: {n}. 커널이 끝나는 대로 단계가 실행됩니다."},
    "answered_run": {"en": "Your answer: {n}.   space: run it", "ko": "내 답: {n}.   space: 실행"},
    "answer_first": {"en": "Answer first: press 1-{n} (your prediction); then the step runs.", "ko": "먼저 답하세요: 1-{n} 중 하나를 누르면(예측) 그다음 단계가 실행됩니다."},
    "hint_for": {"en": "Hint for step {n}:", "ko": "{n}단계 힌트:"},
    "lesson_is_over": {"en": "The lesson is over: r starts it again, escape goes to the lessons.", "ko": "레슨이 끝났습니다: r은 처음부터, escape는 레슨 목록입니다."},
    "nothing_to_undo": {"en": "Nothing to go back to: no step has run yet.", "ko": "돌아갈 단계가 없습니다: 아직 실행한 단계가 없습니다."},
    "replay_no_lab": {"en": "A recording: there is no lab to deliver or drop packets on.", "ko": "녹화본입니다: 패킷을 전달하거나 버릴 실습 환경이 없습니다."},
    "went_back_typed": {"en": "Back: a fresh lab replayed the {n} steps you typed before the last (the kernel cannot be rewound).", "ko": "뒤로 갔습니다: 새 실습 환경에서 마지막 단계 전까지 입력한 단계 {n}개를 다시 실행했습니다 (커널은 되감을 수 없습니다)."},
    "needs_lesson": {"en": "{option} needs a LESSON: the session of one lesson is recorded (e.g. syscall-lab handshake {option} ...)", "ko": "{option}에는 레슨이 필요합니다. 레슨 하나의 세션을 기록합니다 (예: syscall-lab handshake {option} ...)"},
    "terminal_small": {"en": "the terminal is {have}, smaller than --size {want}: enlarge the window or ask for a smaller size", "ko": "터미널 크기 {have}가 --size {want}보다 작습니다. 창을 키우거나 더 작은 크기를 지정하세요"},
    "demo_no_steps": {"en": "{lesson} has no steps to play", "ko": "{lesson}에는 재생할 단계가 없습니다"},
    "key_previous": {"en": "Previous", "ko": "이전"},
    "key_first": {"en": "First", "ko": "처음"},
    "key_last": {"en": "Last", "ko": "끝"},
    "key_pause": {"en": "Pause/play", "ko": "멈춤/재생"},
    "key_step_demo": {"en": "Step", "ko": "한 단계"},
    "recording_status": {"en": "⏺ RECORDING {when} ({made})", "ko": "⏺ 녹화본 {when} ({made})"},
    "recording_cut": {"en": "ends early: the session did not close", "ko": "중간에 끝남: 세션이 정상 종료되지 않음"},
    "demo_playing": {"en": "▶ playing · Space: pause · ←/→: step", "ko": "▶ 재생 중 · Space: 멈춤 · ←/→: 한 단계"},
    "demo_paused": {"en": "⏸ paused · Space: play · ←/→: step", "ko": "⏸ 멈춤 · Space: 재생 · ←/→: 한 단계"},
    "demo_finished": {"en": "■ the end · q: quit", "ko": "■ 끝 · q: 종료"},
    "demo_question": {"en": "Question for step {n}: what will happen?", "ko": "{n}단계 질문: 무슨 일이 일어날까요?"},
    "demo_answer": {"en": "Answer", "ko": "정답"},
    "pane_ladder": {"en": "Ladder", "ko": "래더"},
    "pane_states": {"en": "TCP states", "ko": "TCP 상태"},
    "pane_wire": {"en": "Wire", "ko": "와이어"},
    "ladder_client": {"en": "client", "ko": "클라이언트"},
    "ladder_server": {"en": "server", "ko": "서버"},
    "ladder_empty": {"en": "No packet yet: nothing has crossed the wire.",
                     "ko": "아직 패킷이 없습니다. 와이어를 건넌 것이 없습니다."},
    "states_legend": {"en": "Sockets, with every state the lab read them in:",
                      "ko": "소켓과, 실습실이 읽은 상태의 순서 (rcv = 수신, snd = 송신):"},
    "states_none": {"en": "No TCP socket yet.", "ko": "아직 TCP 소켓이 없습니다."},
    "states_unseen": {"en": "(yellow: passed between two reads, not seen)",
                      "ko": "(노란색: 두 번 읽는 사이에 지나가서 보지 못한 상태)"},
    "packet_fate": {"en": "On the wire: {fates}", "ko": "와이어에서: {fates}"},
    "packet_marks": {"en": "Analysis: {marks}", "ko": "분석: {marks}"},
    "packet_relative": {"en": "seq {seq} is relative: the real number is {seq_abs}",
                        "ko": "seq {seq}는 상대값입니다. 실제 번호는 {seq_abs}입니다"},
    "packet_no_bytes": {"en": "This lab no longer has the packet's bytes (it was reset).",
                        "ko": "이 실습실에는 이 패킷의 바이트가 더 이상 없습니다 (초기화됨)."},
    "packet_bytes": {"en": "{n} bytes as captured", "ko": "캡처한 {n}바이트"},
    "wire_loopback": {"en": "This lesson runs on loopback: there is no wire to hold packets on.",
                      "ko": "이 레슨은 루프백에서 실행됩니다. 패킷을 붙잡을 와이어가 없습니다."},
    "wire_held": {"en": "The wire holds {n} packets:", "en_one": "The wire holds 1 packet:", "ko": "와이어가 패킷 {n}개를 붙잡고 있습니다:"},
    "wire_keys": {"en": "d: deliver the selected one   D: deliver all   x: drop the selected one",
                  "ko": "d: 선택한 패킷 전달   D: 모두 전달   x: 선택한 패킷 버리기"},
    "wire_none_held": {"en": "The wire holds no packet. Hold some with : wire.hold(flags=SYN+ACK)",
                       "ko": "와이어가 붙잡은 패킷이 없습니다. : wire.hold(flags=SYN+ACK) 로 붙잡아 보세요"},
    "wire_rules": {"en": "Rules:", "ko": "규칙:"},
    "wire_matched": {"en": "({n} matched)", "ko": "({n}개 일치)"},
    "sandbox_at": {"en": "column {col}: ", "ko": "{col}번째 칸: "},
    "sandbox_help": {"en": "A step as a lesson writes it: lsock = server.socket(AF_INET, "
                           "SOCK_STREAM, 0) · server.listen(lsock, 2) · wire.hold(flags=SYN+ACK)"
                           " · wait client · watch 1s.  tab completes, ↑↓ history, esc closes",
                     "ko": "레슨에 쓰는 그대로 단계를 입력하세요: lsock = server.socket(AF_INET, "
                           "SOCK_STREAM, 0) · server.listen(lsock, 2) · wire.hold(flags=SYN+ACK)"
                           " · wait client · watch 1s.  tab 완성, ↑↓ 기록, esc 닫기"},
    "sandbox_choices": {"en": "tab completes as far as these agree: {words}", "ko": "tab은 다음이 같은 데까지 완성합니다: {words}"},
    "sandbox_kept": {"en": "The line is kept, selected: type to replace it, or press ← → to mend it.", "ko": "입력한 줄은 선택된 채로 남아 있습니다: 새로 입력하면 바뀌고, ← →로 고칠 수 있습니다."},
    "sandbox_intro": {"en": "Press : and type a step. The panes show what the kernel does.",
                      "ko": ": 를 누르고 단계를 입력하세요. 창마다 커널이 한 일이 보입니다."},
    "typed_step": {"en": "You typed: {do}", "ko": "입력한 단계: {do}"},
    "you_right": {"en": "You predicted {n}. {choice} - right.",
                  "ko": "{n}. {choice}(으)로 예측했습니다. 맞았습니다."},
    "you_wrong": {"en": "You predicted {n}. {choice} - not what happens.",
                  "ko": "{n}. {choice}(으)로 예측했습니다. 실제와 다릅니다."},
    "kernel_agreed": {"en": "The kernel agreed: all {n} checks passed.",
                      "ko": "커널도 같은 답입니다: 확인 {n}개 모두 통과."},
    "kernel_disagreed": {"en": "The kernel did not do what the lesson says: {failed} of {n} "
                               "checks failed (marked ✗ below).",
                         "ko": "커널이 레슨의 설명과 다르게 동작했습니다: 확인 {n}개 중 "
                               "{failed}개 실패 (아래 ✗ 표시)."},
    "score": {"en": "Your predictions: {right} of {n} right.",
              "ko": "예측 결과: {n}개 중 {right}개 맞음."},
    "press_answer": {"en": "Press 1-{n} to answer; then the step runs.",
                     "ko": "1-{n} 중 하나를 눌러 답하세요. 그다음 단계가 실행됩니다."},
    "typed_count": {"en": "{n} typed steps", "en_one": "1 typed step", "ko": "입력한 단계 {n}개"},
    "progress_score": {"en": "{right}/{n} right", "ko": "{n}개 중 {right}개"},
    "error_title": {"en": "The lab ran into a problem", "ko": "실습 환경에 문제가 생겼습니다"},
    "error_reset": {"en": "r: start a fresh lab · escape: lessons · q: quit", "ko": "r: 새 실습 환경 시작 · escape: 레슨 목록 · q: 끝내기"},
    "error_env": {"en": "This machine cannot run a lab: {reason}", "ko": "이 컴퓨터에서는 실습 환경을 실행할 수 없습니다: {reason}"},
    "doctor_hint": {"en": "run 'syscall-lab doctor' to see what is missing", "ko": "무엇이 부족한지 'syscall-lab doctor'로 확인하세요"},
    "resumed": {"en": "Resumed at step {n}: steps 1-{n} were replayed on a fresh lab.", "ko": "{n}단계에서 이어 갑니다: 새 실습 환경에서 1-{n}단계를 다시 실행했습니다."},
    "went_back": {"en": "Back to step {n}: a fresh lab replayed steps 1-{n} (the kernel cannot be rewound).", "ko": "{n}단계로 돌아갔습니다: 새 실습 환경에서 1-{n}단계를 다시 실행했습니다 (커널은 되감을 수 없습니다)."},
    "was_reset": {"en": "A fresh lab: nothing has run yet.", "ko": "새 실습 환경: 아직 아무것도 실행하지 않았습니다."},
    "internal_error": {"en": "internal error: {error} (this is a bug; please report it)", "ko": "내부 오류: {error} (버그입니다. 알려 주세요)"},
    "needs_terminal": {"en": "the lesson screen needs a terminal; for a transcript use 'syscall-lab run LESSON'", "ko": "레슨 화면은 터미널에서만 열립니다; 기록으로 보려면 'syscall-lab run LESSON'을 쓰세요"},
    # The Markdown report of a recording (syscall-lab export)
    "report_lesson": {"en": "Lesson", "ko": "레슨"},
    "report_recorded": {"en": "Recorded", "ko": "기록한 때"},
    "report_made": {"en": "Made by", "ko": "기록한 방법"},
    "report_machine": {"en": "Machine", "ko": "머신"},
    "report_machine_value": {"en": "{system} {kernel}, {arch}, {cpus} CPUs", "ko": "{system} {kernel}, {arch}, CPU {cpus}개"},
    "report_version": {"en": "syscall-lab version", "ko": "syscall-lab 버전"},
    "report_incomplete": {"en": "This recording is incomplete: the session did not close normally (it crashed or was killed). The report shows what was recorded until then.", "ko": "이 녹화본은 완전하지 않습니다: 세션이 정상적으로 끝나지 않았습니다(비정상 종료 또는 강제 종료). 그때까지 기록된 내용만 보고합니다."},
    "report_altered": {"en": "This recording was altered: for {n} checks, the verdict written in the file is not what the kernel state recorded in it gives. Every verdict below is made again from that recorded state.", "ko": "이 녹화본은 변조되었습니다: 검사 {n}개는 파일에 적힌 판정이 파일에 기록된 커널 상태로 다시 계산한 판정과 다릅니다. 아래의 모든 판정은 기록된 상태로 다시 계산한 것입니다."},
    "step_altered": {"en": "altered: the file's verdict for {checks} contradicts the kernel state it recorded; shown as that state gives it", "ko": "변조됨: 파일에 적힌 {checks}의 판정이 기록된 커널 상태와 맞지 않습니다. 기록된 상태로 다시 계산한 판정을 보여 줍니다"},
    "recording_altered": {"en": "⚠ ALTERED: {n} verdicts in the file contradict its kernel state", "ko": "⚠ 변조됨: 파일의 판정 {n}개가 기록된 커널 상태와 다름"},
    "report_cut": {"en": "The file is cut off at line {line}: that line was never finished.", "ko": "파일이 {line}번째 줄에서 잘렸습니다: 그 줄은 끝까지 쓰이지 않았습니다."},
    "report_went_back": {"en": "The session went back or started again {n} times (each time a fresh lab replayed the steps before); this report shows the final run.", "ko": "세션이 {n}번 뒤로 가거나 처음부터 다시 시작했습니다(그때마다 새 실습 환경에서 앞 단계를 다시 실행함). 이 보고서는 마지막 실행을 보여 줍니다."},
    "report_summary": {"en": "Summary", "ko": "요약"},
    "report_steps_done": {"en": "Steps done: {done} of {total}", "ko": "진행한 단계: {total}단계 중 {done}단계"},
    "report_typed_done": {"en": "Steps typed at the prompt: {n}", "ko": "프롬프트에서 입력한 단계: {n}개"},
    "report_checks": {"en": "Checks: {passed} passed, {failed} failed, {skipped} not made on this machine", "ko": "검사: 통과 {passed}개, 실패 {failed}개, 이 머신에서 하지 않음 {skipped}개"},
    "report_predictions": {"en": "Predictions: {right} of {n} right", "ko": "예측: {n}개 중 {right}개 맞음"},
    "report_no_predictions": {"en": "Predictions: none made (the lesson asks {n} questions)", "ko": "예측: 없음 (레슨의 질문 {n}개에 답하지 않음)"},
    "report_step": {"en": "Step {n}: {title}", "ko": "{n}단계: {title}"},
    "report_typed": {"en": "Typed at the prompt: {do}", "ko": "프롬프트에서 입력: {do}"},
    "report_call": {"en": "The call, by {actor}:", "ko": "{actor}의 호출:"},
    "report_no_prediction": {"en": "No prediction was made.", "ko": "예측하지 않았습니다."},
    "report_fds": {"en": "File descriptors after the step", "ko": "단계 후의 파일 디스크립터"},
    "report_no_process": {"en": "No actor process is running.", "ko": "실행 중인 actor 프로세스가 없습니다."},
    "report_not_reached": {"en": "Steps not reached", "ko": "진행하지 않은 단계"},
    "report_no_steps": {"en": "No step was run.", "ko": "실행한 단계가 없습니다."},
    "col_what": {"en": "what", "ko": "내용"},
    "col_accept_queue": {"en": "accept queue", "ko": "accept 큐"},
    "col_from": {"en": "from", "ko": "보낸 쪽"},
    "col_info": {"en": "info", "ko": "정보"},
    "col_time_s": {"en": "time (s)", "ko": "시간(초)"},
}

# Packet fates and analysis marks, as the transcript names them.
PACKET_WORDS: dict[str, dict[str, str]] = {
    "passed": {"en": "passed", "ko": "통과"},
    "held": {"en": "HELD", "ko": "붙잡힘"},
    "delivered": {"en": "delivered", "ko": "전달됨"},
    "dropped": {"en": "DROPPED", "ko": "버려짐"},
    "duplicated": {"en": "duplicated", "ko": "복제됨"},
    "delayed": {"en": "delayed", "ko": "지연됨"},
    "reordered": {"en": "reordered", "ko": "순서 바뀜"},
    "lost": {"en": "LOST", "ko": "유실"},
    "retransmission": {"en": "retransmission", "ko": "재전송"},
    "fast_retransmission": {"en": "fast retransmission", "ko": "빠른 재전송"},
    "dup_ack": {"en": "duplicate ACK", "ko": "중복 ACK"},
    "zero_window": {"en": "zero window", "ko": "윈도우 0"},
}


def packet_word(word: str, lang: str) -> str:
    return _word(PACKET_WORDS, word, lang)


# The names of the fields a change line mentions (the JSON keeps the English keys).
FIELD_LABELS: dict[str, dict[str, str]] = {
    "state": {"en": "state", "ko": "상태"},
    "watches": {"en": "watches", "ko": "관심 목록"},
    "sig_pending": {"en": "pending signals", "ko": "대기 중인 시그널"},
    "sig_ignored": {"en": "ignored signals", "ko": "무시하는 시그널"},
    "local": {"en": "local", "ko": "로컬 주소"},
    "remote": {"en": "remote", "ko": "원격 주소"},
    "accept_queue": {"en": "accept_queue", "ko": "accept 큐"},
    "backlog": {"en": "backlog", "ko": "backlog"},
    "recv_q": {"en": "recv_q", "ko": "수신 큐"},
    "send_q": {"en": "send_q", "ko": "송신 큐"},
    "retransmits": {"en": "retransmits", "ko": "재전송"},
    "kind": {"en": "kind", "ko": "종류"},
    "target": {"en": "target", "ko": "대상"},
    "flags": {"en": "flags", "ko": "플래그"},
    "ppid": {"en": "ppid", "ko": "ppid"},
    "cpus": {"en": "may run on CPU", "ko": "실행 가능한 CPU"},
    "threads": {"en": "threads", "ko": "스레드 수"},
    "owner": {"en": "owner", "ko": "소유"},
}


def _word(table: dict[str, dict[str, str]], name: str, lang: str) -> str:
    """``name`` in ``lang`` from ``table``, in English if untranslated, itself if unknown."""
    entry = table.get(name)
    return (entry.get(lang) or entry["en"]) if entry else name


def field_label(name: str, lang: str) -> str:
    return _word(FIELD_LABELS, name, lang)


def t(msg_id: str, lang: str, /, **kw: Any) -> str:
    """Our message ``msg_id`` in ``lang`` with ``kw`` filled in (a :class:`Msg` among them
    said in ``lang`` too). A message may have a ``LANG_one`` form, used when ``n`` is 1 ("1
    typed step", not "1 typed steps")."""
    entry = MESSAGES[msg_id]
    kw = {k: v.say(lang) if isinstance(v, Msg) else v for k, v in kw.items()}  # said alike
    if kw.get("n") == 1 and f"{lang}_one" in entry:
        return entry[f"{lang}_one"].format(**kw)
    return (entry.get(lang) or entry["en"]).format(**kw)
