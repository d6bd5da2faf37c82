"""Korean for the recording messages (see the package)."""

_DAMAGED = "파일의 이 부분이 손상되었습니다"

KO: dict[str, str] = {
    # Reading a recording: the file as a whole
    "the file is empty, not a recording": "빈 파일입니다. 녹화본이 아닙니다",
    "record one with --record FILE": "--record FILE 옵션으로 녹화하세요",
    "there is more after the end line": "끝 줄 뒤에 내용이 더 있습니다",
    "the file was joined with another one: keep one session":
        "다른 파일과 이어 붙여진 파일입니다: 세션 하나만 남기세요",
    "the recording has no frame: the session ended before the lab started":
        "녹화본에 프레임이 없습니다: 실습 환경이 시작되기 전에 세션이 끝났습니다",
    "record again": "다시 녹화하세요",
    "the line is too long to be a frame of a recording":
        "녹화본의 프레임이라기에는 줄이 너무 깁니다",
    "nested more than {depth} levels deep: not a frame of a recording":
        "중첩이 너무 깊습니다(최대 깊이 {depth}): 녹화본의 프레임이 아닙니다",
    "not UTF-8 text: the file is damaged here": "UTF-8 텍스트가 아닙니다: " + _DAMAGED,
    "the file is damaged here: {error}": _DAMAGED + ": {error}",
    "not a recording: {error}": "녹화본이 아닙니다: {error}",
    "a line of a recording is a JSON object, not {what}: the file is damaged here":
        "녹화본의 줄은 JSON 객체여야 합니다(실제 값: {what}): " + _DAMAGED,
    # The header
    "this is 'syscall-lab run --json' output, not a recording: it has no lesson and no "
    "packets' bytes":
        "'syscall-lab run --json'의 출력이지 녹화본이 아닙니다: 레슨도, 패킷의 바이트도 "
        "들어 있지 않습니다",
    "record with 'syscall-lab run LESSON --record FILE'":
        "'syscall-lab run LESSON --record FILE' 명령으로 녹화하세요",
    "not a syscall-lab recording (its first line has no \"format\": \"{format}\")":
        "syscall-lab 녹화본이 아닙니다(첫 줄에 \"format\": \"{format}\" 항목이 없습니다)",
    "the language {lang} is not one of {langs}: the file is damaged here":
        "언어 {lang} 값이 {langs} 중 하나가 아닙니다: " + _DAMAGED,
    "the format version {version} is not one syscall-lab ever wrote: the file is damaged here":
        "syscall-lab은 형식 버전 {version} 파일을 쓴 적이 없습니다: " + _DAMAGED,
    "a newer version": "더 새로운 버전",
    "recorded by syscall-lab {made} in format version {version}; this syscall-lab ({ours}) "
    "reads versions up to {newest}":
        "녹화 정보: syscall-lab {made}, 형식 버전 {version}. 이 syscall-lab({ours})은 형식 "
        "버전 {newest}까지만 읽을 수 있습니다",
    "upgrade: pip install -U syscall-lab": "업그레이드하세요: pip install -U syscall-lab",
    "the header names no lesson: the file is damaged here":
        "헤더에 레슨이 적혀 있지 않습니다: " + _DAMAGED,
    "the header has no lesson source: the file is damaged here":
        "헤더에 레슨 원문이 없습니다: " + _DAMAGED,
    "the lesson recorded in it no longer loads here: {problem}":
        "녹화본에 담긴 레슨을 여기서는 더 이상 불러올 수 없습니다: {problem}",
    "replay it with the syscall-lab that recorded it ({version})":
        "녹화한 syscall-lab({version})으로 재생하세요",
    "{path}:{line}:{col}: {message}": "{path}:{line}:{col}: {message}",
    # A frame: "frame N: FIELD: what is wrong with it: the file is damaged here"
    "frame {n}: {field}: {what}: the file is damaged here":
        "프레임 {n}: {field}: {what}: " + _DAMAGED,
    "frame {n}: {what}: the file is damaged here": "프레임 {n}: {what}: " + _DAMAGED,
    "should be {kind}, not {what}": "{kind} 형식이어야 합니다(실제 값: {what})",
    "should be one of {options}, not {what}":
        "{options} 중 하나여야 합니다(실제 값: {what})",
    "should be one of {options}": "{options} 중 하나여야 합니다",
    "should be a list of whole numbers, not {what}":
        "정수 리스트여야 합니다(실제 값: {what})",
    "should have {n} items, not {got}": "항목이 {n}개여야 합니다(실제: {got}개)",
    "should be a number": "숫자여야 합니다",
    "should be a packet number": "패킷 번호여야 합니다",
    "should be [address, port]": "[주소, 포트] 형태여야 합니다",
    "should be [CPU, share]": "[CPU 번호, 비율] 형태여야 합니다",
    "should be address:port": "주소:포트 형식이어야 합니다",
    "should be a shift of 0 to 14": "0에서 14 사이의 시프트 값이어야 합니다",
    "should have actor and fd": "actor와 fd가 모두 있어야 합니다",
    "is missing": "빠져 있습니다",
    "nested more than {depth} levels deep": "중첩이 너무 깊습니다(최대 깊이 {depth})",
    "not base64 bytes": "base64로 인코딩된 바이트가 아닙니다",
    "the first frame starts a lab, and this one does not":
        "첫 프레임은 실습 환경을 시작해야 하는데, 이 프레임은 그렇지 않습니다",
    "is the last step's, and no step has run":
        "마지막 단계의 것이라고 되어 있지만, 실행된 단계가 없습니다",
    "{choice} is no choice of step {n}'s question":
        "{n}단계 질문에는 {choice}번 보기가 없습니다",
    "step {index}, and the lesson has {count}":
        "{index}단계라고 되어 있지만, 레슨에는 {count}단계까지만 있습니다",
    "'{text}' no longer compiles here: {problem}":
        "여기서는 더 이상 컴파일되지 않는 입력 단계입니다('{text}'): {problem}",
    "{what} is no call of the vocabulary": "호출 어휘에 없는 호출입니다: {what}",
    "not a rule of the wire: {error}": "선(wire)의 규칙이 아닙니다: {error}",
    # What a value of the file is ("should be a list, not null")
    "a whole number": "정수",
    "a number": "숫자",
    "text": "문자열",
    "true or false": "true 또는 false",
    "a list": "리스트",
    "an object": "객체",
    "a value": "값",
    "null": "null",
    "text ({text})": "문자열 {text}",
    # Writing one (syscall-lab ... --record FILE)
    "{path} would be the recording and its pcap at once: name the recording .jsonl":
        "{path} 파일이 녹화본이면서 동시에 그 pcap 파일이 됩니다: 녹화본 이름을 .jsonl로 "
        "끝나게 지으세요",
    "{path} is the lesson's own file: record to another file":
        "{path} 파일은 레슨 파일 자체입니다: 다른 파일에 녹화하세요",
    "the lesson {id} has no file to record with it":
        "녹화본에 함께 담을 레슨 파일이 없습니다(레슨 {id})",
}
