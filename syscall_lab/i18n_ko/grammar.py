"""Korean for the grammar messages (see the package): the grammar of ``do:`` and ``expect:``
(:mod:`syscall_lab.lesson.grammar`), the YAML reader (:mod:`~syscall_lab.lesson.source`),
courses (:mod:`~syscall_lab.lesson.course`) and the catalog of lessons
(:mod:`~syscall_lab.lesson.catalog`)."""

KO: dict[str, str] = {
    # --- grammar: do: and expect: lines ------------------------------------------------------
    "longer than {n} characters: one call or one check a line":
        "{n}자보다 깁니다: 한 줄에 호출 하나나 검사 하나만 쓰세요",
    "this string has no closing {quote}": "이 문자열에는 닫는 따옴표({quote})가 없습니다",
    "compare with '==' (one '=' names a wire rule's key)":
        "비교는 '=='로 씁니다 ('=' 하나는 wire 규칙의 키를 지정할 때 씁니다)",
    "unexpected '{char}'": "여기에 올 수 없는 문자: '{char}'",
    "expected {what}{found}": "와야 할 것: {what}{found}",
    ", found the end": " (실제: 줄의 끝)",
    ", found '{token}'": " (실제: '{token}')",
    "unexpected '{token}' after {what}": "{what} 뒤에 올 수 없는 것: '{token}'",
    "the call": "호출",
    "the value": "값",
    "the condition": "조건",
    "expected a name like server or lsock{found}":
        "server나 lsock 같은 이름이 와야 합니다{found}",
    "a name after '.'": "'.' 뒤의 이름",
    "a name": "이름",
    "a number after '-'": "'-' 뒤의 숫자",
    "',' or ')'": "',' 또는 ')'",
    "',' or ']'": "',' 또는 ']'",
    "expected ')' to close the '(' at column {col}":
        "{col}번째 칸의 '('를 닫는 ')'가 없습니다",
    "'{key}' is given twice": "'{key}' 키를 두 번 썼습니다",
    "write plain arguments before key=value ones": "일반 인자는 key=value 인자보다 앞에 쓰세요",
    "this '[' has no closing ']'": "이 '['를 닫는 ']'가 없습니다",
    'expected a value (a number, a name, "text" or an address like 127.0.0.1:8080){found}':
        '값(숫자, 이름, "text", 또는 127.0.0.1:8080 같은 주소)이 와야 합니다{found}',
    "unknown escape '\\{char}' (use \\n, \\t, \\\\, \\\" or \\')":
        "알 수 없는 이스케이프 '\\{char}' (\\n, \\t, \\\\, \\\", \\' 중 하나를 쓰세요)",
    "say whose call to wait for: wait client{found}":
        "누구의 호출을 기다릴지 적으세요: wait client{found}",
    "say how long to watch: watch 1.5s{found}": "얼마 동안 지켜볼지 적으세요: watch 1.5s{found}",
    "empty: write a call like server.socket(AF_INET, SOCK_STREAM)":
        "비어 있습니다: server.socket(AF_INET, SOCK_STREAM) 같은 호출을 쓰세요",
    "to name what a call returns, write 'as: {name}' beside 'do:'":
        "호출이 반환한 값에 이름을 붙이려면 'do:' 옆에 'as: {name}' 항목을 쓰세요",
    "empty check: write one like lsock.state == LISTEN":
        "빈 검사입니다: lsock.state == LISTEN 처럼 쓰세요",
    "say when to check: ... if server.cpus >= 2": "언제 검사할지 적으세요: ... if server.cpus >= 2",
    "a check has one 'if'; join its conditions with 'and'":
        "검사 하나에는 'if'를 하나만 씁니다. 조건 여러 개는 'and'로 이으세요",
    "expected a comparison (==, !=, >=, <=, >, <, contains){found}":
        "비교 연산자(==, !=, >=, <=, >, <, contains)가 와야 합니다{found}",

    # --- source: the YAML reader ---------------------------------------------------------------
    "YAML tags like '{tag}' are not used in lessons: write the plain value":
        "레슨에서는 '{tag}' 같은 YAML 태그를 쓰지 않습니다: 값만 그대로 쓰세요",
    "YAML tags like '{tag}' are not used in lessons":
        "레슨에서는 '{tag}' 같은 YAML 태그를 쓰지 않습니다",
    "the file holds more than {n} values (aliases expanded); a lesson is much smaller":
        "파일에 담긴 값이 {n}개보다 많습니다(별칭을 펼쳐서 센 수). 레슨은 이보다 훨씬 작습니다",
    "{char}: remove it (indent and align with spaces)":
        "{char}: 지우세요 (들여쓰기와 정렬은 공백으로 하세요)",
    "{char}: remove it (it would reach the student's terminal)":
        "{char}: 지우세요 (학생의 터미널에 그대로 전달됩니다)",
    "{char}: remove it (a lesson file is text, and it would reach the student's terminal)":
        "{char}: 지우세요 (레슨 파일은 텍스트이고, 이 문자는 학생의 터미널에 그대로 전달됩니다)",
    "a mapping key must be a plain word like 'say'":
        "매핑의 키는 'say' 같은 단순한 단어여야 합니다",
    "duplicate key '{key}' (first written at line {line}): remove one of them":
        "중복된 키 '{key}' (처음 쓴 곳: {line}번째 줄): 하나를 지우세요",
    "nested more than {n} levels deep; a lesson needs a few":
        "{n}겹보다 깊게 중첩되어 있습니다. 레슨에는 몇 겹이면 충분합니다",
    "alias '*{name}' names no anchor written before it":
        "별칭 '*{name}': 앞에 이 이름의 앵커(&)가 없습니다",
    "a lesson file holds one YAML document: remove the second '---'":
        "레슨 파일에는 YAML 문서가 하나만 있어야 합니다: 두 번째 '---'를 지우세요",
    "the file is {size}; a lesson is at most {limit}":
        "파일 크기가 {size}입니다: 레슨 파일은 최대 {limit}까지입니다",
    "not UTF-8 text (byte 0x{byte}): save the file as UTF-8":
        "UTF-8 텍스트가 아닙니다 (바이트 0x{byte}): 파일을 UTF-8로 저장하세요",
    "YAML syntax: {what}{hint}": "YAML 문법 오류: {what}{hint}",
    "{context} (from line {line}, column {col})": "{context}({line}번째 줄 {col}번째 칸부터)",
    "{context} {problem}": "{context}: {problem}",
    "not valid YAML": "올바른 YAML이 아닙니다",
    " (a ': ' inside a plain value starts a mapping: put the value in quotes)":
        " (따옴표 없는 값 안의 ': '는 매핑을 시작합니다: 값을 따옴표로 묶으세요)",
    " (inside [...], a ',' or a bracket ends the item: write such checks as a block list, "
    "one '- item' a line)":
        " ([...] 안에서는 ','나 괄호가 항목을 끝냅니다: 이런 검사는 한 줄에 '- item' 하나씩, "
        "블록 리스트로 쓰세요)",
    " (a tab: indent with spaces)": " (탭 문자입니다: 공백으로 들여쓰세요)",
    # PyYAML's and libyaml's words: what the parser was doing ...
    "while parsing a block mapping": "블록 매핑을 읽는 중",
    "while parsing a block collection": "블록 리스트를 읽는 중",
    "while parsing a block node": "블록 노드를 읽는 중",
    "while parsing a flow sequence": "흐름 시퀀스([...])를 읽는 중",
    "while parsing a flow mapping": "흐름 매핑({{...}})을 읽는 중",
    "while parsing a flow node": "흐름 노드를 읽는 중",
    "while parsing a node": "노드를 읽는 중",
    "while parsing a quoted scalar": "따옴표로 묶은 값을 읽는 중",
    "while scanning a quoted scalar": "따옴표로 묶은 값을 읽는 중",
    "while scanning a plain scalar": "따옴표 없는 값을 읽는 중",
    "while scanning a block scalar": "블록 문자열(| 또는 >)을 읽는 중",
    "while scanning a simple key": "단순 키를 읽는 중",
    "while scanning for the next token": "다음 토큰을 찾는 중",
    "while scanning an alias": "별칭(*)을 읽는 중",
    "while scanning an anchor": "앵커(&)를 읽는 중",
    "while scanning a tag": "태그(!)를 읽는 중",
    "while scanning a directive": "지시문(%)을 읽는 중",
    # ... and what it found there.
    "mapping values are not allowed in this context": "이 자리에는 매핑 값(': ')을 쓸 수 없습니다",
    "mapping values are not allowed here": "여기에는 매핑 값(': ')을 쓸 수 없습니다",
    "did not find expected key": "있어야 할 키가 없습니다",
    "did not find expected '-' indicator": "있어야 할 '-' 표시가 없습니다",
    "did not find expected ',' or ']'": "있어야 할 ',' 또는 ']'가 없습니다",
    "did not find expected ',' or '}}'": "있어야 할 ',' 또는 '}}'가 없습니다",
    "did not find expected node content": "있어야 할 노드 내용이 없습니다",
    "did not find expected <document start>":
        "문서의 끝 뒤에 내용이 더 있습니다 (있어야 할 <document start>가 없습니다)",
    "did not find expected comment or line break": "있어야 할 주석이나 줄바꿈이 없습니다",
    "did not find expected alphabetic or numeric character": "있어야 할 영문자나 숫자가 없습니다",
    "did not find expected hexdecimal number": "있어야 할 16진수가 없습니다",
    "did not find the expected '>'": "있어야 할 '>'가 없습니다",
    "could not find expected ':'": "있어야 할 ':'를 찾지 못했습니다",
    "found unexpected end of stream": "도중에 파일이 끝났습니다",
    "found unknown escape character": "알 수 없는 이스케이프 문자가 있습니다",
    "found character that cannot start any token": "어떤 토큰도 시작할 수 없는 문자가 있습니다",
    "found a tab character that violates indentation": "들여쓰기를 어기는 탭 문자가 있습니다",
    "found a tab character where an indentation space is expected":
        "들여쓰기 공백이 와야 할 자리에 탭 문자가 있습니다",
    "found undefined tag handle": "정의되지 않은 태그 핸들이 있습니다",
    "found unknown directive name": "알 수 없는 지시문 이름이 있습니다",
    "found an indentation indicator equal to 0": "들여쓰기 표시가 0입니다",
    "control characters are not allowed": "제어 문자는 쓸 수 없습니다",

    # --- course ----------------------------------------------------------------------------------
    "the course names lesson '{lesson}', which no lesson file has (its 'id:')":
        "코스에 나오는 레슨 '{lesson}': 이 id('id:')를 가진 레슨 파일이 없습니다",
    "write text, or one text per language: {{en: ..., ko: ...}}":
        "텍스트 하나를 쓰거나, 언어마다 하나씩 쓰세요: {{en: ..., ko: ...}}",
    "a course is a mapping: schema, id, title, units":
        "코스는 매핑입니다: schema, id, title, units",
    "not a course file: none of its keys is a course's (schema, id, title, units)":
        "코스 파일이 아닙니다: 코스의 키(schema, id, title, units)가 하나도 없습니다",
    "unknown key '{key}' (schema, id, title, units)":
        "알 수 없는 키 '{key}' (쓸 수 있는 키: schema, id, title, units)",
    "the course has no '{key}' (add it)": "코스에 '{key}' 항목이 없습니다 (추가하세요)",
    "this syscall-lab reads course schema 1, not {schema}":
        "이 syscall-lab은 코스 schema 1만 읽습니다 (이 파일: {schema})",
    "id is a name: lowercase letters, digits and -":
        "id는 이름입니다: 영문 소문자, 숫자, -만 쓰세요",
    "units is a list of {{topic, notes, lessons}}":
        "units는 {{topic, notes, lessons}}의 리스트입니다",
    "each unit has topic, notes and lessons": "unit마다 topic, notes, lessons가 있어야 합니다",
    "lessons is a list of lesson ids": "lessons는 레슨 id의 리스트입니다",
    "notes is the heading of the course notes this unit teaches":
        "notes는 이 unit이 가르치는 강의 노트의 제목입니다",

    # --- catalog ---------------------------------------------------------------------------------
    "no such file or directory": "그런 파일이나 디렉터리가 없습니다",
    "not a name a file can have": "파일 이름으로 쓸 수 없는 이름입니다",
    "{kind}, not a lesson file": "{kind}: 레슨 파일이 아닙니다",
    "{where}: {why}; lessons there are not listed":
        "{where}: {why}. 그곳의 레슨은 목록에 나오지 않습니다",
    "{where}: {kind}, not a directory; SYSCALL_LAB_LESSONS lists directories":
        "{where}: {kind}: 디렉터리가 아닙니다. SYSCALL_LAB_LESSONS에는 디렉터리를 적습니다",
    "{where}: {why}": "{where}: {why}",
    "cannot read this directory: {why}": "이 디렉터리를 읽을 수 없습니다: {why}",
    "a link to a file outside the lesson directories: not read":
        "레슨 디렉터리 밖의 파일을 가리키는 링크입니다: 읽지 않았습니다",
    "lesson id '{id}' is also used by {other}:{line}; ids must be unique: rename one of them":
        "레슨 id '{id}': {other}:{line}에서도 같은 id를 씁니다. id는 겹칠 수 없으니 둘 중 "
        "하나의 이름을 바꾸세요",
    "say which sysctl: sysctl net.ipv4.tcp_syn_retries = 8{found}":
        "어떤 sysctl인지 쓰세요: sysctl net.ipv4.tcp_syn_retries = 8{found}",
    "set it with '=': sysctl {name} = 8{found}": "'='로 설정하세요: sysctl {name} = 8{found}",
    "say what to watch for: watch 130s until packets(from=server, flags=FIN) >= 1":
        "무엇을 기다리며 지켜볼지 쓰세요: watch 130s until packets(from=server, flags=FIN) >= 1",
    "'-' does not join words here: write {joined}":
        "여기서는 '-'로 낱말을 이을 수 없습니다: {joined}로 쓰세요",
    'a number after \'*\' ("x" * 1000)': "'*' 뒤에는 수를 쓰세요 (\"x\" * 1000)",
    "no 'in': for a range write two checks, one a line: packets(from=server) >= 1, then "
    "packets(from=server) <= 2":
        "'in'은 없습니다. 범위는 검사 두 개로, 한 줄에 하나씩 쓰세요: packets(from=server) >= 1, "
        "그리고 packets(from=server) <= 2",
    "a repeated text is at most {most} characters": "반복한 텍스트는 {most}자까지입니다",
}
