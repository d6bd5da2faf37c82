"""Korean for the lab messages (see the package): the supervisor's refusals and fatal events,
the UI process's handle on it, and the sandbox, hosts and wire it builds."""

KO: dict[str, str] = {
    # syscall_lab.engine.supervisor
    "none": "없음",
    "unknown request {op}": "알 수 없는 요청 {op}",
    "'{name}' is not an actor name: use 1-15 lowercase letters, digits, '-' or '_', starting "
    "with a letter (fork() children are named server.1, server.2 by the lab)":
        "'{name}': actor 이름으로 쓸 수 없습니다. 영문 소문자, 숫자, '-', '_'로 된 1-15자를 "
        "쓰고 영문자로 시작하세요 (fork()로 생긴 자식 프로세스에는 실습 환경이 server.1, "
        "server.2 같은 이름을 붙입니다)",
    "there is already an actor named '{name}'": "같은 이름의 actor가 이미 있습니다: '{name}'",
    "say which host '{name}' runs on: {hosts} (this lab has a wire)":
        "actor '{name}': 실행할 호스트를 정하세요 - {hosts} (이 실습 환경에는 와이어가 있습니다)",
    "this lab has one host (network: loopback), not '{host}'; use network: wire for a client "
    "and a server host":
        "이 실습 환경에는 호스트가 하나뿐이라(network: loopback) '{host}' 호스트가 없습니다. "
        "client와 server 호스트가 필요하면 network: wire를 쓰세요",
    "cannot start actor '{name}': {error}":
        "actor '{name}'의 프로세스를 시작할 수 없습니다: {error}",
    "no actor named '{name}' (actors: {known})":
        "이름이 '{name}'인 actor가 없습니다 (actor 목록: {known})",
    "no actor named '{name}'": "이름이 '{name}'인 actor가 없습니다",
    "'{name}' has exited; it can make no more calls":
        "'{name}' 프로세스는 종료했습니다. 더 이상 호출할 수 없습니다",
    "'{name}' has exited": "'{name}' 프로세스는 종료했습니다",
    "'{name}' is not blocked in any call":
        "'{name}' 프로세스는 어떤 호출에서도 블록되어 있지 않습니다",
    "fd {fd} is the lab's own channel to '{name}', not part of the lesson; use the fds the "
    "lesson opened":
        "fd {fd}: 실습 환경이 '{name}' 프로세스와 통신하는 채널이라 레슨에서 쓸 수 없습니다. "
        "레슨에서 연 fd를 쓰세요",
    "'{name}' is still blocked in {call}(); it can make no other call until that one returns "
    "(wait for it)":
        "'{name}' 프로세스는 아직 {call}()에서 블록되어 있습니다. 그 호출이 반환될 때까지 다른 "
        "호출을 할 수 없습니다 (wait로 기다리세요)",
    "'{name}' cannot take the call: {error}":
        "'{name}' 프로세스에 호출을 전달할 수 없습니다: {error}",
    "this lab has no packet capture (see 'syscall-lab doctor')":
        "이 실습 환경은 패킷을 캡처하지 못합니다 ('syscall-lab doctor'로 확인하세요)",
    "unknown wire action {action} (rule, clear, deliver, drop or status)":
        "알 수 없는 와이어 동작 {action} (rule, clear, deliver, drop, status 중 하나)",
    "pause for 0 to {most} seconds, not {value}":
        "기다리는 시간은 0초부터 {most}초까지여야 합니다 (입력값: {value})",
    "unknown network mode '{mode}'": "알 수 없는 네트워크 모드 '{mode}'",
    "use loopback or wire": "loopback 또는 wire를 쓰세요",
    "cannot capture on lo: {error}": "lo에서 패킷을 캡처할 수 없습니다: {error}",
    "cannot observe the lab: {error}": "실습 환경을 관찰할 수 없습니다: {error}",
    "see 'syscall-lab doctor'": "'syscall-lab doctor'로 확인하세요",
    "this is a bug in syscall-lab; please report it with the output above":
        "syscall-lab의 버그입니다. 위의 출력과 함께 알려 주세요",
    # syscall_lab.engine.lab
    "the lab did not start in time": "실습 환경이 제시간에 시작되지 않았습니다",
    "the lab did not answer '{op}' within {timeout} s":
        "실습 환경이 {timeout}초 안에 '{op}' 요청에 응답하지 않았습니다",
    "refused": "거부됨",
    "the lab's supervisor stopped unexpectedly{how}":
        "실습 환경의 supervisor가 예기치 않게 멈췄습니다{how}",
    "the lab's supervisor stopped unexpectedly{how}: {tail}":
        "실습 환경의 supervisor가 예기치 않게 멈췄습니다{how}: {tail}",
    " (exit status {code})": " (종료 상태 {code})",
    " (killed by {signal})": " (강제 종료됨: {signal})",
    "signal {number}": "시그널 {number}",
    # syscall_lab.net.namespaces
    "this system's AppArmor forbids unprivileged user namespaces "
    "(kernel.apparmor_restrict_unprivileged_userns = 1, as on Ubuntu 24.04)":
        "이 시스템의 AppArmor가 비특권 사용자 네임스페이스를 금지합니다 "
        "(kernel.apparmor_restrict_unprivileged_userns = 1, Ubuntu 24.04의 설정)",
    "this kernel forbids unprivileged user namespaces (kernel.unprivileged_userns_clone = 0)":
        "이 커널은 비특권 사용자 네임스페이스를 금지합니다 (kernel.unprivileged_userns_clone = 0)",
    "user namespaces are switched off here (user.max_user_namespaces = 0)":
        "이 시스템에서는 사용자 네임스페이스가 꺼져 있습니다 (user.max_user_namespaces = 0)",
    "the limit on user namespaces is reached (user.max_user_namespaces)":
        "사용자 네임스페이스 개수가 한도에 도달했습니다 (user.max_user_namespaces)",
    "end other labs or containers, or raise it: sudo sysctl -w user.max_user_namespaces=15000":
        "다른 실습 환경이나 컨테이너를 끝내거나 한도를 올리세요: "
        "sudo sysctl -w user.max_user_namespaces=15000",
    "this container does not allow new namespaces (its seccomp profile blocks unshare)":
        "이 컨테이너에서는 새 네임스페이스를 만들 수 없습니다 (seccomp 프로파일이 unshare를 "
        "막습니다)",
    "run the container with --security-opt seccomp=unconfined, or run syscall-lab on the host":
        "컨테이너를 --security-opt seccomp=unconfined로 실행하거나, 호스트에서 syscall-lab을 "
        "실행하세요",
    "the kernel refused to create a user namespace ({why})":
        "커널이 사용자 네임스페이스 생성을 거부했습니다 ({why})",
    "check 'unshare -rn true' works for your user; see 'syscall-lab doctor'":
        "지금 사용자로 'unshare -rn true'가 되는지 확인하세요. 'syscall-lab doctor'도 "
        "참고하세요",
    "the kernel refused a private network namespace ({error})":
        "커널이 전용 네트워크 네임스페이스 생성을 거부했습니다 ({error})",
    # syscall_lab.net.hosts
    "unknown wire backend '{backend}'": "알 수 없는 와이어 백엔드 '{backend}'",
    "use tun, veth or auto": "tun, veth, auto 중 하나를 쓰세요",
    "the wire cannot use TUN devices ({problem})":
        "와이어가 TUN 장치를 쓸 수 없습니다 ({problem})",
    "sudo chmod 0666 {path}, or let the lab use veth (the default)":
        "sudo chmod 0666 {path} 명령을 실행하거나, 실습 환경이 veth를 쓰게 두세요 (기본값)",
    "cannot build the lab's wire ({backend}): {error}":
        "실습 환경의 와이어를 만들 수 없습니다 ({backend}): {error}",
    # syscall_lab.net.wire
    "wire rules need a lab with network: wire (on loopback the kernel hands packets over "
    "directly; there is no wire to control)":
        "와이어 규칙은 network: wire인 실습 환경에서만 쓸 수 있습니다 (루프백에서는 커널이 "
        "패킷을 바로 넘겨주므로 제어할 와이어가 없습니다)",
    "say which held packets: 'all' or packet numbers, not {value}":
        "붙잡아 둔 패킷 중 어느 것인지 정하세요: 'all' 또는 패킷 번호 (입력값: {value})",
    "packet #{n} is not held on the wire (held: {held})":
        "패킷 #{n}: 와이어에 붙잡혀 있지 않습니다 (붙잡힌 패킷: {held})",
}
