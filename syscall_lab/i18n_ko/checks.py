"""Korean for the checks messages (see the package)."""

KO: dict[str, str] = {
    # syscall_lab/lesson/model.py: a name with no value, and what a check compared
    "'{name}' has no value yet": "'{name}' 이름에는 아직 값이 없습니다",
    "'{name}' has no value: {why}": "'{name}' 이름에는 값이 없습니다: {why}",
    "{actor}'s {call}() has not returned":
        "{actor} 프로세스의 {call}() 호출이 아직 반환되지 않았습니다",
    "{actor}'s {call}() failed with {error}":
        "{actor} 프로세스의 {call}() 호출이 {error} 오류로 실패했습니다",
    "{actor}'s {call}() gave no fd for it":
        "{actor} 프로세스의 {call}() 호출이 이 이름에 해당하는 fd를 돌려주지 않았습니다",
    "CPU {cpu} was busy with other programs {pct}% of the time the work ran":
        "CPU {cpu}: 이 작업이 도는 동안 {pct}%는 다른 프로그램이 썼습니다",
    "this machine has no interrupt line '{line}' in /proc/interrupts":
        "이 머신의 /proc/interrupts에는 '{line}' 인터럽트 항목이 없습니다",
    "/proc/softirqs could not be read": "/proc/softirqs를 읽을 수 없습니다",
    "{actual} vs {other}: {wanted}": "{actual} 대 {other}: {wanted}",
    # syscall_lab/lesson/runner.py: a recording whose checks are not the lesson's
    "(the number of checks)": "(검사 개수)",
    "the kernel was not read when this step began": "이 단계가 시작될 때 커널을 읽지 않았습니다",
}
