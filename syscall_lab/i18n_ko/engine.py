"""Korean for the engine messages (see the package): the vocabulary (unknown calls, wrong
arguments, the calls' one-line summaries) and the wire's rules."""

KO: dict[str, str] = {
    # syscall_lab.engine.vocabulary: pieces
    "{a} or {b}": "{a} 또는 {b}",
    " - did you mean '{name}'?": " - 혹시 '{name}' 말인가요?",
    " (one of {names})": " ({names} 중 하나)",
    "port": "포트",
    "no arguments": "인자 없음",
    "{what} (address family)": "{what} (주소 패밀리)",
    "{what} (socket type)": "{what} (소켓 타입)",
    "{what} (protocol)": "{what} (프로토콜)",
    "{what} (option level)": "{what} (옵션 레벨)",
    "{what} (option)": "{what} (옵션)",
    "{what} (how)": "{what} (닫을 방향)",
    "{what} (flags)": "{what} (플래그)",
    "{what} (options)": "{what} (옵션)",
    "{what}: a CPU number": "{what}: CPU 번호",
    # syscall_lab.engine.vocabulary: unknown calls and wrong arguments
    "unknown syscall '{name}'{hint}": "알 수 없는 시스템 콜 '{name}'{hint}",
    "unknown {what} '{part}'{hint}": "{what}: 알 수 없는 이름 '{part}'{hint}",
    "{what} must be a number or a name like {example}":
        "{what}: 숫자나 {example} 같은 이름이어야 합니다",
    "{what} {number} is not one the lab knows ({known})":
        "{what} {number}: 실습 환경이 지원하지 않는 값입니다 (지원하는 값: {known})",
    "{what} must be a whole number, not {value}": "{what}: 정수여야 합니다 (입력값: {value})",
    "{what} must be between {low} and {high}, not {value}":
        "{what}: {low}부터 {high}까지의 값이어야 합니다 (입력값: {value})",
    "address must look like 127.0.0.1:8080, not {value}":
        "주소는 127.0.0.1:8080 형식이어야 합니다 (입력값: {value})",
    "'{host}' is not an IP address (the lab does no DNS)":
        "'{host}': IP 주소가 아닙니다 (실습 환경은 DNS 조회를 하지 않습니다)",
    "{what}: option {number} is not one the lab knows ({known})":
        "{what}: 옵션 번호 {number}번은 실습 환경이 지원하지 않습니다 (지원하는 옵션: {known})",
    "{what}: SO_LINGER takes [onoff, seconds]":
        "{what}: SO_LINGER의 값은 [onoff, seconds] 형식입니다",
    "{what} is CPU seconds, a number like 0.5 or 0.5s":
        "{what}: CPU 시간(초)입니다. 0.5나 0.5s 같은 숫자로 쓰세요",
    "{what} must be between 0.01 and {most} seconds, not {value}":
        "{what}: 0.01초부터 {most}초까지여야 합니다 (입력값: {value}초)",
    "{what} is a list of CPU numbers, like [0] or [0, 1]":
        "{what}: CPU 번호의 목록이어야 합니다 (예: [0] 또는 [0, 1])",
    "{what} names a CPU twice": "{what}: 같은 CPU가 두 번 나옵니다",
    "{what} must be text, not {value}": "{what}: 텍스트여야 합니다 (입력값: {value})",
    "{what} is longer than {most} bytes": "{what}: {most}바이트보다 깁니다",
    "{what} must be a file path": "{what}: 파일 경로여야 합니다",
    "{name}() takes 1 argument ({params}), got {got}":
        "{name}()에는 인자 1개가 필요합니다 ({params}). 받은 인자는 {got}개입니다",
    "{name}() takes {n} arguments ({params}), got {got}":
        "{name}()에는 인자 {n}개가 필요합니다 ({params}). 받은 인자는 {got}개입니다",
    "{name}() takes {low} to {high} arguments ({params}), got {got}":
        "{name}()에는 인자 {low}~{high}개가 필요합니다 ({params}). 받은 인자는 {got}개입니다",
    "{name}(): {option} is not an option of level {level}":
        "{name}(): {option}: 레벨 {level}의 옵션이 아닙니다",
    "setsockopt(): SO_LINGER takes [onoff, seconds]; other options take a number":
        "setsockopt(): SO_LINGER의 값은 [onoff, seconds] 형식이고, 다른 옵션의 값은 숫자입니다",
    "open(): the lab opens files for writing only at /dev/null for now; open other files "
    "with O_RDONLY":
        "open(): 지금은 실습 환경에서 쓰기용으로 열 수 있는 파일이 /dev/null뿐입니다. 다른 "
        "파일은 O_RDONLY로 여세요",
    "open(): flags may be O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK and O_CLOEXEC":
        "open(): flags에는 O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK, O_CLOEXEC만 쓸 수 있습니다",
    # syscall_lab.engine.vocabulary: what each call does (CALLS[...].summary)
    "create a pair of connected sockets (AF_UNIX): what one sends, the other reads":
        "서로 연결된 소켓 한 쌍을 만듭니다(AF_UNIX). 한쪽이 보낸 것을 다른 쪽이 읽습니다",
    "create an endpoint for communication": "통신용 엔드포인트(소켓)를 만듭니다",
    "accept(), with the new socket's flags set at once (SOCK_NONBLOCK, SOCK_CLOEXEC)":
        "accept()와 같되, 새 소켓의 플래그(SOCK_NONBLOCK, SOCK_CLOEXEC)를 한 번에 정합니다",
    "read or set an fd's flags: F_GETFL/F_SETFL the open file's (O_NONBLOCK), F_GETFD/F_SETFD "
    "the fd's own (FD_CLOEXEC)":
        "fd의 플래그를 읽거나 정합니다. F_GETFL/F_SETFL은 열린 파일의 플래그(O_NONBLOCK), "
        "F_GETFD/F_SETFD는 fd 자체의 플래그(FD_CLOEXEC)입니다",
    "wait until one of the fds is ready (each asks for the same events, POLLIN when not said); "
    "the ready ones are the result's ready":
        "fd 중 하나가 준비될 때까지 기다립니다(모든 fd가 같은 이벤트를 기다리며, 말하지 않으면 "
        "POLLIN). 준비된 fd들이 결과의 ready입니다",
    "wait until one of the fds can be read (or written) without blocking; nfds is worked out "
    "from the lists":
        "fd 중 하나를 블로킹 없이 읽을(또는 쓸) 수 있을 때까지 기다립니다. nfds는 목록에서 "
        "계산합니다",
    "start a thread of this process: it shares the process's memory and its one fd table, and "
    "makes calls of its own (as: names it)":
        "이 프로세스의 스레드를 시작합니다. 스레드는 프로세스의 메모리와 하나뿐인 fd 테이블을 "
        "함께 쓰고, 자기 호출을 따로 합니다(as:로 이름을 붙입니다)",
    "send a signal to a process (a fork's name stands for its pid)":
        "프로세스에 시그널을 보냅니다(fork로 만든 자식의 이름은 그 pid를 뜻합니다)",
    "set what a signal does to this process: SIG_IGN ignores it, SIG_DFL restores the default "
    "(SIGPIPE and SIGTERM end the process, SIGCHLD is ignored but the child stays a zombie "
    "until waited for)":
        "시그널이 이 프로세스에 무엇을 할지 정합니다. SIG_IGN은 무시하고, SIG_DFL은 기본 동작으로 "
        "되돌립니다(SIGPIPE와 SIGTERM은 프로세스를 끝내고, SIGCHLD는 무시되지만 자식은 기다려 줄 "
        "때까지 좀비로 남습니다)",
    "{what} (signal)": "{what} (시그널)",
    "{what}: {number} is not a signal": "{what}: {number}은(는) 시그널이 아닙니다",
    "{what} (handler)": "{what} (핸들러)",
    "make an epoll instance: an fd that holds an interest list":
        "epoll 인스턴스를 만듭니다. 관심 목록(interest list)을 가진 fd입니다",
    "add an fd to an epoll instance's interest list (or change or remove it)":
        "epoll 인스턴스의 관심 목록에 fd를 추가합니다(또는 바꾸거나 뺍니다)",
    "wait until an fd of the interest list is ready; the ready ones are the result's ready":
        "관심 목록의 fd가 준비될 때까지 기다립니다. 준비된 fd들이 결과의 ready입니다",
    "{what} (events)": "{what} (이벤트)",
    "{what} (milliseconds, -1: no limit)": "{what} (밀리초, -1: 제한 없음)",
    "{what} (command)": "{what} (명령)",
    "{what} (operation)": "{what} (동작)",
    "{what} is a list of fds, like [lsock, conn]": "{what}은(는) [lsock, conn]처럼 fd의 목록입니다",
    "give a socket its local address": "소켓에 로컬 주소를 붙입니다",
    "mark a socket as passive: it will accept connections":
        "소켓을 수동(passive) 소켓으로 표시합니다: 이제 연결을 받아들입니다",
    "take the first connection from the accept queue": "accept 큐에서 첫 번째 연결을 꺼냅니다",
    "connect a socket to a peer (TCP: the three-way handshake)":
        "소켓을 상대에게 연결합니다 (TCP: 3-way 핸드셰이크)",
    "send bytes on a connected socket": "연결된 소켓으로 바이트를 보냅니다",
    "receive bytes from a socket": "소켓에서 바이트를 받습니다",
    "send a datagram to an address": "지정한 주소로 데이터그램을 보냅니다",
    "receive a datagram and the address it came from": "데이터그램과 그것을 보낸 주소를 받습니다",
    "shut down one or both directions of a connection": "연결의 한쪽 또는 양쪽 방향을 닫습니다",
    "release a file descriptor": "파일 디스크립터를 해제합니다",
    "set a socket option": "소켓 옵션을 설정합니다",
    "read a socket option": "소켓 옵션을 읽습니다",
    "the local address a socket is bound to": "소켓에 바인드된 로컬 주소",
    "the address of the connected peer": "연결된 상대의 주소",
    "open a file": "파일을 엽니다",
    "read bytes from a file descriptor": "파일 디스크립터에서 바이트를 읽습니다",
    "write bytes to a file descriptor": "파일 디스크립터에 바이트를 씁니다",
    "create a pipe: pipefd[0] reads, pipefd[1] writes":
        "파이프를 만듭니다: pipefd[0]으로 읽고 pipefd[1]로 씁니다",
    "copy a file descriptor to the lowest free number":
        "파일 디스크립터를 비어 있는 가장 작은 번호로 복제합니다",
    "copy a file descriptor to a chosen number": "파일 디스크립터를 지정한 번호로 복제합니다",
    "create a child process, a copy of this one": "이 프로세스를 복제한 자식 프로세스를 만듭니다",
    "wait for a child to change state and reap it":
        "자식 프로세스의 상태가 바뀌기를 기다렸다가 회수합니다",
    "end this process": "이 프로세스를 끝냅니다",
    "this process's id": "이 프로세스의 id",
    "sleep for some seconds": "몇 초 동안 잠듭니다",
    "choose the CPUs a process may run on (its children inherit the choice)":
        "프로세스가 실행될 수 있는 CPU를 고릅니다 (자식 프로세스도 이 설정을 물려받습니다)",
    "busy-loop in user mode until the kernel has charged this thread this many CPU seconds "
    "(it reads clock_gettime(CLOCK_THREAD_CPUTIME_ID) as it goes)":
        "커널이 이 스레드에 그만큼의 CPU 시간(초)을 매길 때까지 사용자 모드에서 바쁜 루프를 "
        "돕니다 (도는 동안 clock_gettime(CLOCK_THREAD_CPUTIME_ID) 값을 읽습니다)",
    "fork() n children that each work(cpu_seconds), then waitpid() each: n processes do the "
    "same CPU-bound work at once":
        "자식 n개를 fork()해 각자 work(cpu_seconds) 작업을 하게 한 뒤 하나씩 waitpid()합니다: "
        "프로세스 n개가 같은 CPU 위주 작업을 동시에 합니다",
    "pthread_create() n threads that each work(cpu_seconds) in C, free of Python's GIL as C "
    "threads are, then pthread_join() each":
        "pthread_create()로 스레드 n개를 만들어 각자 C 코드로 work(cpu_seconds) 작업을 하게 "
        "한 뒤(C 스레드라서 Python의 GIL에 묶이지 않습니다) 하나씩 pthread_join()합니다",
    "n threads that each work(cpu_seconds) in Python bytecode, taking turns on Python's GIL, "
    "then join each":
        "스레드 n개가 각자 Python 바이트코드로 work(cpu_seconds) 작업을 하며 Python의 GIL을 "
        "번갈아 잡고, 끝나면 하나씩 join합니다",
    # syscall_lab.net.rules
    "flags are names like SYN+ACK, not {value}":
        "flags는 SYN+ACK 같은 이름으로 씁니다 (입력값: {value})",
    "flags is empty: name at least one TCP flag ({flags})":
        "flags가 비어 있습니다: TCP 플래그를 하나 이상 쓰세요 ({flags})",
    "flags must be names like SYN or ACK, not {value}":
        "flags에는 SYN이나 ACK 같은 이름을 써야 합니다 (입력값: {value})",
    "unknown TCP flag '{flag}'{hint} (flags: {flags}; !ACK means ACK not set)":
        "알 수 없는 TCP 플래그 '{flag}'{hint} (플래그: {flags}; !ACK는 ACK 플래그가 꺼져 "
        "있어야 한다는 뜻)",
    "flags '{spec}' asks for a flag both set and not set":
        "flags '{spec}': 같은 플래그가 켜져 있으면서 꺼져 있기를 요구합니다",
    "{key} must be a whole number, not {value}": "{key}: 정수여야 합니다 (입력값: {value})",
    "{key} must be 1 or more ({what}), got {value}":
        "{key}: 1 이상이어야 합니다 ({what}). 입력값: {value}",
    "the first matching packet is nth: 1": "일치하는 첫 번째 패킷이 nth: 1",
    "how many matching packets the rule takes": "규칙이 적용될 일치 패킷의 개수",
    "a wire rule is a mapping like {{action: drop, from: client}}, not {value}":
        "와이어 규칙은 {{action: drop, from: client}} 같은 매핑이어야 합니다 (입력값: {value})",
    "unknown rule key '{key}'{hint} (keys: {keys})":
        "알 수 없는 규칙 키 '{key}'{hint} (키: {keys})",
    "unknown wire action {action}{hint} (actions: {actions})":
        "알 수 없는 와이어 동작 {action}{hint} (동작: {actions})",
    "'from' must be client, server or any, not {value}":
        "'from'은 client, server, any 중 하나여야 합니다 (입력값: {value})",
    "unknown protocol {proto}{hint} (tcp, udp, icmp or any)":
        "알 수 없는 프로토콜 {proto}{hint} (tcp, udp, icmp, any 중 하나)",
    "TCP flags cannot match {proto} packets: drop 'flags' or use proto: tcp":
        "TCP 플래그로는 {proto} 패킷을 고를 수 없습니다: 'flags'를 빼거나 proto: tcp를 쓰세요",
    "data must be true or false, not {value}":
        "data는 true 또는 false여야 합니다 (입력값: {value})",
    "ms must be a number of milliseconds, not {value}":
        "ms는 밀리초 단위의 숫자여야 합니다 (입력값: {value})",
    "a delay cannot be negative: ms must be 0 or more, got {ms}":
        "지연 시간은 음수일 수 없습니다: ms는 0 이상이어야 합니다 (입력값: {ms})",
    "a delay of {ms} ms is longer than the lab allows ({most} ms)":
        "지연 {ms}ms: 실습 환경이 허용하는 최대치({most}ms)보다 깁니다",
    "a delay needs its length: add ms (milliseconds), e.g. ms: 200":
        "지연에는 길이가 필요합니다: ms(밀리초)를 추가하세요. 예: ms: 200",
    "ms only applies to action delay, not {action}":
        "ms는 action이 delay일 때만 쓸 수 있습니다 (지금 action: {action})",
    "not a network sysctl of the lab's own namespace: {names}":
        "실습 네임스페이스의 네트워크 sysctl이 아닙니다: {names}",
    "this lab has no host {host}": "이 실습에는 {host} 호스트가 없습니다",
    "a sysctl is set to a whole number, not {value}":
        "sysctl에는 정수를 설정합니다. {value}는 안 됩니다",
    "'{name}' is not a network sysctl of the lab's own namespace":
        "'{name}'는 실습 네임스페이스의 네트워크 sysctl이 아닙니다",
    "this kernel ({release}) has no {name}": "이 커널({release})에는 {name}가 없습니다",
    "{name} cannot be set from inside the lab's namespace on this kernel":
        "이 커널에서는 실습 네임스페이스 안에서 {name}를 바꿀 수 없습니다",
    "the kernel refused {value} for {name} (EINVAL: out of its range)":
        "커널이 {name}에 {value}를 거부했습니다 (EINVAL: 허용 범위 밖)",
}
