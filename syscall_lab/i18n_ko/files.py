"""Korean for the files messages (see the package): reading and writing files
(:mod:`syscall_lab.files`) and naming an unsafe character (:func:`syscall_lab.shown.
describe_char`)."""

KO: dict[str, str] = {
    # What a file is, when it is not a regular file
    "a directory": "디렉터리",
    "a FIFO (a named pipe)": "FIFO(이름 있는 파이프)",
    "a character device": "문자 장치",
    "a block device": "블록 장치",
    "a socket": "소켓",
    "a symbolic link": "심볼릭 링크",
    "not a regular file": "일반 파일이 아닌 것",
    "{n} bytes": "{n}바이트",
    # What a file read should have been (read_input's ``what``)
    "file": "일반",
    "lesson": "레슨",
    "recording": "녹화본",
    "progress": "진도",
    # Why an operation on a file failed (the C library's usual words)
    "a loop of symbolic links": "심볼릭 링크가 순환합니다",
    "the name is too long": "이름이 너무 깁니다",
    "Permission denied": "권한이 없습니다",
    "Operation not permitted": "허용되지 않은 작업입니다",
    "No such file or directory": "그런 파일이나 디렉터리가 없습니다",
    "Not a directory": "디렉터리가 아닙니다",
    "Is a directory": "디렉터리입니다",
    "Read-only file system": "읽기 전용 파일 시스템입니다",
    "No space left on device": "장치에 남은 공간이 없습니다",
    "Disk quota exceeded": "디스크 할당량을 넘었습니다",
    "Input/output error": "입출력 오류",
    # Reading
    "cannot read it: {why}": "읽을 수 없습니다: {why}",
    "{kind}, not a {what} file": "{kind}: {what} 파일이 아닙니다",
    "the file is {size}; a {what} is at most {limit}":
        "파일 크기가 {size}입니다: {what} 파일은 최대 {limit}까지입니다",
    "the file is more than {limit}; a {what} is at most {limit}":
        "파일 크기가 {limit}보다 큽니다: {what} 파일은 최대 {limit}까지입니다",
    # Writing
    "cannot write it: {why}": "쓸 수 없습니다: {why}",
    "{kind}, not a file to write": "{kind}: 쓸 수 있는 파일이 아닙니다",
    "it has {n} other hard links, and writing it would change them too":
        "이 파일에는 다른 하드 링크가 {n}개 있어서, 여기에 쓰면 그 링크들의 내용도 바뀝니다",
    "remove it or write to another name": "이 파일을 지우거나 다른 이름으로 쓰세요",
    "it is a symbolic link, and syscall-lab never writes through one":
        "심볼릭 링크입니다: syscall-lab은 심볼릭 링크를 거쳐서는 쓰지 않습니다",
    "remove the link or write to another name": "링크를 지우거나 다른 이름으로 쓰세요",
    "a FIFO (a named pipe), not a file": "FIFO(이름 있는 파이프)입니다: 일반 파일이 아닙니다",
    # describe_char: a character that must not reach a terminal
    "a tab {cp}": "탭 문자 {cp}",
    "control character {cp}{name}": "제어 문자 {cp}{name}",
    "bidirectional control {cp} (it reorders the text around it)":
        "양방향 제어 문자 {cp} (주변 글자의 표시 순서를 바꿉니다)",
    "line separator {cp}": "줄 구분 문자 {cp}",
    "paragraph separator {cp}": "문단 구분 문자 {cp}",
    "lone surrogate {cp} (not a character)": "짝 없는 서로게이트 {cp} (문자가 아닙니다)",
    "invisible character {cp}": "보이지 않는 문자 {cp}",
}
