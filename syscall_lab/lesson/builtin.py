"""The lesson that ships before lesson files exist: the listen backlog, on loopback.

A server makes a socket, binds it and listens with a backlog of 2; five clients connect. The
kernel completes three handshakes (the accept queue holds backlog + 1), drops the other two
clients' SYNs, and those clients sit in SYN_SENT retransmitting. Then the server accepts, and
the queue drains in order.
"""

from __future__ import annotations

from .model import Expect, Lesson, Step

__all__ = ["BUILTIN_LESSONS", "backlog_lesson", "handshake_lesson"]

PORT = 8080
ADDR = f"127.0.0.1:{PORT}"


def _fd(actor: str, fd: int, field: str, value: object, op: str = "==") -> Expect:
    return Expect("fd", field, value, op, actor=actor, fd=fd)


def _ret(value: object) -> Expect:
    return Expect("result", "ret", value)


def _client_steps(i: int) -> list[Step]:
    name = f"client{i}"
    steps = [Step(
        say={"en": f"{name} makes its own socket. Every process numbers its fds from the "
                   "lowest free one, so this is fd 3 in this process too.",
             "ko": f"{name}도 소켓을 만듭니다. fd 번호는 프로세스마다 가장 작은 빈 번호부터 "
                   "매겨지므로 이 프로세스에서도 fd 3입니다."},
        actor=name, call="socket", args=("AF_INET", "SOCK_STREAM", 0),
        expect=(_ret(3),))]
    if i <= 3:
        steps.append(Step(
            say={"en": f"{name} connects. connect() sends a SYN; the kernel answers SYN/ACK "
                       "and the ACK completes the handshake, all before accept() is called. "
                       "The finished connection waits in the server's accept queue.",
                 "ko": f"{name}가 connect()합니다. SYN을 보내면 커널이 SYN/ACK로 답하고 ACK로 "
                       "핸드셰이크가 끝납니다. accept() 호출 전에 일어나는 일입니다. 완성된 "
                       "연결은 서버의 accept 큐에서 기다립니다."},
            actor=name, call="connect", args=(3, ADDR),
            expect=(_ret(0), _fd(name, 3, "state", "ESTABLISHED"),
                    _fd("server", 3, "accept_queue", i))))
    else:
        steps.append(Step(
            say={"en": f"{name} connects too. The accept queue already holds backlog + 1 = 3 "
                       "connections, so the kernel drops this SYN without an answer. connect() "
                       "blocks and the socket stays in SYN_SENT.",
                 "ko": f"{name}도 connect()합니다. accept 큐에는 이미 backlog + 1 = 3개의 연결이 "
                       "있으므로 커널은 이 SYN을 응답 없이 버립니다. connect()는 블록되고 소켓은 "
                       "SYN_SENT 상태로 남습니다."},
            actor=name, call="connect", args=(3, ADDR),
            expect=(Expect("result", "blocked", True),
                    Expect("process", "blocked_in", "connect", actor=name),
                    _fd(name, 3, "state", "SYN_SENT"),
                    _fd("server", 3, "accept_queue", 3))))
    return steps


def backlog_lesson() -> Lesson:
    steps: list[Step] = [
        Step(say={"en": "The server asks the kernel for a TCP socket. The kernel returns the "
                        "lowest free fd: 0, 1 and 2 are the terminal, so this is fd 3.",
                  "ko": "서버가 커널에 TCP 소켓을 요청합니다. 커널은 가장 작은 빈 fd를 "
                        "돌려줍니다. 0, 1, 2는 터미널이므로 fd 3입니다."},
             actor="server", call="socket", args=("AF_INET", "SOCK_STREAM", 0),
             expect=(_ret(3), _fd("server", 3, "kind", "socket"),
                     _fd("server", 3, "state", "CLOSE"))),
        Step(say={"en": f"bind() gives the socket its address, {ADDR}. Clients will need to "
                        "know it; that is why servers bind and clients usually do not.",
                  "ko": f"bind()는 소켓에 주소 {ADDR}를 붙입니다. 클라이언트가 이 주소를 알아야 "
                        "하므로 서버는 bind하고 클라이언트는 보통 하지 않습니다."},
             actor="server", call="bind", args=(3, ADDR),
             expect=(_ret(0), _fd("server", 3, "local", ADDR))),
        Step(say={"en": "listen(3, 2) makes the socket passive: LISTEN. The backlog, 2, limits "
                        "the accept queue of connections that finished the handshake but were "
                        "not accept()ed yet.",
                  "ko": "listen(3, 2)는 소켓을 수동 상태(LISTEN)로 만듭니다. backlog 2는 "
                        "핸드셰이크는 끝났지만 아직 accept()되지 않은 연결이 기다리는 accept 큐의 "
                        "한도입니다."},
             actor="server", call="listen", args=(3, 2),
             expect=(_ret(0), _fd("server", 3, "state", "LISTEN"),
                     _fd("server", 3, "backlog", 2), _fd("server", 3, "accept_queue", 0))),
    ]
    for i in range(1, 6):
        steps += _client_steps(i)
    steps += [
        Step(say={"en": "Wait a moment and watch: the kernel of each blocked client resends "
                        "its SYN when its retransmission timer fires (after 1 s, then 2 s, "
                        "4 s...). The queue is still full, so they are dropped again.",
                  "ko": "잠시 지켜봅니다. 블록된 클라이언트의 커널은 재전송 타이머가 만료되면 "
                        "(1초, 2초, 4초 후...) SYN을 다시 보냅니다. 큐가 여전히 가득 차 있어 "
                        "다시 버려집니다."},
             watch=1.5,
             expect=(Expect("count", "state", 2, where="SYN_SENT"),
                     _fd("client4", 3, "retransmits", 1, ">="),
                     _fd("client5", 3, "retransmits", 1, ">="),
                     _fd("server", 3, "accept_queue", 3))),
    ]
    for n, fd in enumerate((4, 5, 6)):
        steps.append(Step(
            say={"en": "accept() takes the oldest connection from the queue and gives it a new "
                       f"fd, {fd}. The listening socket, fd 3, stays and keeps listening.",
                 "ko": "accept()는 큐에서 가장 오래된 연결을 꺼내 새 fd "
                       f"{fd}를 줍니다. 듣고 있는 소켓 fd 3은 그대로 남아 계속 기다립니다."},
            actor="server", call="accept", args=(3,),
            expect=(_ret(fd), _fd("server", fd, "state", "ESTABLISHED"),
                    _fd("server", 3, "accept_queue", 2 - n))))
    for name in ("client4", "client5"):
        steps.append(Step(
            say={"en": f"Now the queue has room. {name}'s next retransmitted SYN is answered, "
                       "the handshake completes, and its connect() finally returns 0.",
                 "ko": f"이제 큐에 자리가 있습니다. {name}가 다시 보낸 SYN에 응답이 오고 "
                       "핸드셰이크가 끝나 connect()가 마침내 0을 반환합니다."},
            actor=name, wait=10.0,
            expect=(_ret(0), _fd(name, 3, "state", "ESTABLISHED"))))
    for fd in (7, 8):
        steps.append(Step(
            say={"en": f"accept() again: fd {fd}. Five clients, five connected fds, one "
                       "listening socket.",
                 "ko": f"다시 accept(): fd {fd}. 클라이언트 다섯, 연결된 fd 다섯, 듣는 소켓 "
                       "하나입니다."},
            actor="server", call="accept", args=(3,),
            expect=(_ret(fd), _fd("server", fd, "state", "ESTABLISHED"))))
    steps[-1] = Step(say=steps[-1].say, actor="server", call="accept", args=(3,),
                     expect=(*steps[-1].expect, _fd("server", 3, "accept_queue", 0),
                             _fd("server", 3, "state", "LISTEN"),
                             Expect("count", "state", 0, where="SYN_SENT")))
    return Lesson(
        id="backlog",
        title={"en": "The listen backlog: socket, bind, listen, accept",
               "ko": "listen 백로그: socket, bind, listen, accept"},
        summary={"en": "A server listens with backlog 2 and five clients connect: watch the "
                       "accept queue fill to backlog + 1, the rest wait in SYN_SENT, and "
                       "accept() drain the queue.",
                 "ko": "서버가 backlog 2로 listen하고 클라이언트 다섯이 연결합니다. accept 큐가 "
                       "backlog + 1까지 차고, 나머지는 SYN_SENT에서 기다리며, accept()가 큐를 "
                       "비우는 과정을 봅니다."},
        topics=("socket", "bind", "listen", "accept", "backlog", "tcp"),
        actors=("server", "client1", "client2", "client3", "client4", "client5"),
        steps=tuple(steps),
    )


SERVER = "10.0.0.2:8080"


def _packets(n: int, **match: object) -> Expect:
    return Expect("packets", "count", n,
                  match=tuple((k.replace("source", "from"), v) for k, v in match.items()))


def handshake_lesson() -> Lesson:
    """The three-way handshake on the wire, with the SYN/ACK held so SYN_RECV can be seen."""
    steps = (
        Step(say={"en": "This lab has two hosts joined by a wire the lab controls: the client "
                        "is 10.0.0.1, the server 10.0.0.2. The server makes a TCP socket (fd 3).",
                  "ko": "이 실습에는 실습 환경이 제어하는 선(wire)으로 연결된 호스트 두 대가 "
                        "있습니다. 클라이언트는 10.0.0.1, 서버는 10.0.0.2입니다. 서버가 TCP "
                        "소켓(fd 3)을 만듭니다."},
             actor="server", call="socket", args=("AF_INET", "SOCK_STREAM", 0),
             expect=(_ret(3),)),
        Step(say={"en": f"bind() to {SERVER}, then listen() with backlog 5.",
                  "ko": f"{SERVER}에 bind()하고 backlog 5로 listen()합니다."},
             actor="server", call="bind", args=(3, SERVER), expect=(_ret(0),)),
        Step(say={"en": "listen(3, 5): the socket is now LISTEN and its accept queue is empty.",
                  "ko": "listen(3, 5): 소켓은 이제 LISTEN이고 accept 큐는 비어 있습니다."},
             actor="server", call="listen", args=(3, 5),
             expect=(_ret(0), _fd("server", 3, "state", "LISTEN"),
                     _fd("server", 3, "accept_queue", 0))),
        Step(say={"en": "The client makes its socket. It will not bind(): connect() picks a "
                        "free local port for it.",
                  "ko": "클라이언트가 소켓을 만듭니다. bind()는 하지 않습니다. connect()가 빈 "
                        "로컬 포트를 골라 줍니다."},
             actor="client", call="socket", args=("AF_INET", "SOCK_STREAM", 0),
             expect=(_ret(3),)),
        Step(say={"en": "Tell the wire to hold the server's SYN/ACK instead of delivering it. "
                        "Nothing happens in the kernels yet: this is a rule on the cable.",
                  "ko": "선(wire)에 서버의 SYN/ACK를 전달하지 말고 붙잡아 두라고 합니다. 아직 "
                        "커널에서는 아무 일도 일어나지 않습니다. 케이블에 거는 규칙입니다."},
             wire=("rule", {"action": "hold", "from": "server", "flags": "SYN+ACK"}),
             expect=(Expect("held", "count", 0),)),
        Step(say={"en": "connect(): the client's kernel sends a SYN and the socket enters "
                        "SYN_SENT. The server's kernel answers with a SYN/ACK and keeps a "
                        "SYN_RECV entry for the half-open connection, but the wire holds the "
                        "SYN/ACK, so connect() blocks.",
                  "ko": "connect(): 클라이언트 커널이 SYN을 보내고 소켓은 SYN_SENT가 됩니다. "
                        "서버 커널은 SYN/ACK로 답하고 반쯤 열린 연결을 SYN_RECV 항목으로 "
                        "기억하지만, 선이 SYN/ACK를 붙잡고 있으므로 connect()는 블록됩니다."},
             actor="client", call="connect", args=(3, SERVER),
             expect=(Expect("result", "blocked", True),
                     _fd("client", 3, "state", "SYN_SENT"),
                     Expect("count", "state", 1, where="SYN_RECV"),
                     _packets(1, source="client", flags="SYN+!ACK"),
                     _packets(1, source="server", flags="SYN+ACK", fate="held"))),
        Step(say={"en": "Half a second later nothing has changed: the client still waits in "
                        "SYN_SENT, the server still holds SYN_RECV. The accept queue is empty: "
                        "a connection enters it only when the handshake completes.",
                  "ko": "0.5초가 지나도 그대로입니다. 클라이언트는 여전히 SYN_SENT에서 기다리고 "
                        "서버는 SYN_RECV를 유지합니다. accept 큐는 비어 있습니다. 핸드셰이크가 "
                        "끝나야 연결이 큐에 들어갑니다."},
             watch=0.5,
             expect=(_fd("client", 3, "state", "SYN_SENT"),
                     Expect("count", "state", 1, where="SYN_RECV"),
                     _fd("server", 3, "accept_queue", 0), Expect("held", "count", 1))),
        Step(say={"en": "Deliver the held SYN/ACK. The client's kernel answers with the final "
                        "ACK: both ends are ESTABLISHED and the connection moves into the "
                        "server's accept queue, before anyone calls accept().",
                  "ko": "붙잡아 둔 SYN/ACK를 전달합니다. 클라이언트 커널이 마지막 ACK로 "
                        "답하면 양쪽이 ESTABLISHED가 되고, 연결은 accept() 호출 전에 서버의 "
                        "accept 큐로 들어갑니다."},
             wire=("deliver", "all"),
             expect=(_packets(1, source="server", flags="SYN+ACK", fate="delivered"),
                     _packets(1, source="client", flags="ACK+!SYN", data=False),
                     _fd("client", 3, "state", "ESTABLISHED"),
                     _fd("server", 3, "accept_queue", 1),
                     Expect("count", "state", 0, where="SYN_RECV"))),
        Step(say={"en": "connect() has returned 0 in the client.",
                  "ko": "클라이언트의 connect()가 0을 반환했습니다."},
             actor="client", wait=2.0, expect=(_ret(0),)),
        Step(say={"en": "accept() takes the connection from the queue as a new fd, 4.",
                  "ko": "accept()가 큐에서 연결을 꺼내 새 fd 4로 줍니다."},
             actor="server", call="accept", args=(3,),
             expect=(_ret(4), _fd("server", 4, "state", "ESTABLISHED"),
                     _fd("server", 3, "accept_queue", 0))),
    )
    return Lesson(
        id="handshake",
        title={"en": "The three-way handshake, one packet at a time",
               "ko": "3-way 핸드셰이크, 패킷 하나씩"},
        summary={"en": "Hold the server's SYN/ACK on the wire and see SYN_SENT and SYN_RECV "
                       "for as long as you like; deliver it and watch the handshake finish and "
                       "the accept queue grow.",
                 "ko": "서버의 SYN/ACK를 선에 붙잡아 두고 SYN_SENT와 SYN_RECV를 원하는 만큼 "
                       "살펴봅니다. 전달하면 핸드셰이크가 끝나고 accept 큐가 늘어납니다."},
        topics=("tcp", "handshake", "connect", "listen", "accept", "wire"),
        actors=("server", "client"),
        hosts=(("server", "server"), ("client", "client")),
        mode="wire",
        steps=steps,
    )


BUILTIN_LESSONS = {"backlog": backlog_lesson, "handshake": handshake_lesson}
