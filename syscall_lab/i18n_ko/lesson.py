"""Korean for the lesson loader's messages to lesson authors (see the package): what is
wrong with a lesson file, at ``FILE:LINE:COL``, and what to write instead."""

KO: dict[str, str] = {
    " - did you mean '{name}'?": " - 혹시 '{name}' 말인가요?",
    "type a step: server.listen(lsock, 2), wire.hold(flags=SYN+ACK), wait client, watch 1s":
        "단계를 입력하세요: server.listen(lsock, 2), wire.hold(flags=SYN+ACK), wait client, watch "
        "1s",
    "not a step": "단계가 아닙니다",
    "stopped after {n} problems; fix these first":
        "문제가 {n}개 나와서 여기서 멈췄습니다. 먼저 이것들을 고치세요",
    "a lesson is a mapping with schema, id, title, actors and steps":
        "레슨은 schema, id, title, actors, steps를 키로 가진 매핑입니다",
    "not a lesson file: none of its keys is a lesson's (schema, id, title, summary, actors, steps)":
        "레슨 파일이 아닙니다: 레슨의 키(schema, id, title, summary, actors, steps)가 하나도 "
        "없습니다",
    "this step has no '{key}' (add it)": "이 단계에 '{key}' 키가 없습니다 (추가하세요)",
    "the question has no '{key}' (add it)": "질문(ask)에 '{key}' 키가 없습니다 (추가하세요)",
    "the lesson has no '{key}' (add it)": "레슨에 '{key}' 키가 없습니다 (추가하세요)",
    "YAML merge keys (<<) are not supported in lessons: write the keys out":
        "레슨에서는 YAML 병합 키(<<)를 쓸 수 없습니다: 키를 하나하나 적으세요",
    "unknown key '{key}'{hint} (keys: {keys})":
        "알 수 없는 키 '{key}'{hint} (쓸 수 있는 키: {keys})",
    "unknown key (not a word like 'say') (keys: {keys})":
        "알 수 없는 키 ('say' 같은 단어가 아님) (쓸 수 있는 키: {keys})",
    "this syscall-lab reads lesson schema 1, not {schema}: write schema: 1 (or upgrade "
    "syscall-lab for newer lessons)":
        "이 syscall-lab은 레슨 schema 1만 읽습니다 (지금 값: {schema}): schema: 1로 쓰세요 (더 "
        "새로운 레슨이라면 syscall-lab을 업그레이드하세요)",
    "{name} must be {expected}, not {got}{hint}":
        "{name}에는 {expected}만 쓸 수 있습니다 (지금 값: {got}){hint}",
    "id must be lowercase letters, digits and '-', starting with a letter (e.g. tcp-handshake)":
        "id에는 영문 소문자, 숫자, '-'만 쓰고, 첫 글자는 영문자여야 합니다 (예: tcp-handshake)",
    "{name} is a mapping of keys (key: value), not {what}":
        "{name}에는 키의 매핑(key: value)을 써야 합니다 (지금 값: {what})",
    "the {language} text is empty": "{language} 텍스트가 비어 있습니다",
    "the text is empty": "텍스트가 비어 있습니다",
    "the choice": "선택지",
    " (write {key}: {{{langs}}})": " ({key}: {{{langs}}} 형태로 쓰세요)",
    "missing {language} text for {where}{tip}": "{where}에 {language} 텍스트가 없습니다{tip}",
    "actor '{name}' is listed twice": "actor '{name}' 항목이 두 번 있습니다",
    "actor name '{name}': lowercase letters, digits and '_', starting with a letter":
        "actor 이름 '{name}': 영문 소문자, 숫자, '_'만 쓰고, 첫 글자는 영문자여야 합니다",
    "'{name}' is a word of the lesson grammar; name the actor otherwise":
        "'{name}': 레슨 문법에서 쓰는 단어입니다. actor 이름을 다르게 지으세요",
    "write {name}: {{host: server}} (or list the actors)":
        "{name}: {{host: server}} 형태로 쓰세요 (또는 actor를 목록으로 적으세요)",
    "unknown key '{key}' (an actor has: host)":
        "알 수 없는 키 '{key}' (actor에 쓸 수 있는 키: host)",
    "host must be client or server, not {host}{hint}":
        "host에는 client나 server만 쓸 수 있습니다 (지금 값: {host}){hint}",
    "hosts exist only in a wire lab: add 'network: wire', or remove the host":
        "host는 와이어 실습 환경에만 있습니다: 'network: wire'를 추가하거나 host를 지우세요",
    "in a wire lab, say which host '{name}' runs on: {name}: {{host: {host}}}":
        "와이어 실습 환경에서는 actor마다 실행될 호스트를 정해야 합니다: {name}: {{host: {host}}}",
    "step {n} has nothing to say, do or ask": "{n}단계에 say, do, ask가 하나도 없습니다",
    "answer is counted from 1: it must be 1 to {n} for {n} choices":
        "answer는 1부터 셉니다: 선택지가 {n}개이면 1에서 {n} 사이여야 합니다",
    "{char}: remove it": "{char}: 지우세요",
    "write a call like server.listen(lsock, 2), a wire action like wire.hold(from=server), 'wait "
    "client' or 'watch 1s'":
        "server.listen(lsock, 2) 같은 호출, wire.hold(from=server) 같은 와이어 동작, 'wait "
        "client', 'watch 1s' 중 하나를 쓰세요",
    "{error} (calls: {calls})": "{error} (쓸 수 있는 호출: {calls})",
    "{call}() takes plain arguments, in the order of its C signature: {signature}":
        "{call}()의 인자는 key= 없이 C 시그니처의 순서대로 씁니다: {signature}",
    "{word} for more than 0 and at most {most} seconds":
        "{word}의 시간은 0초보다 길고 {most}초 이하여야 합니다",
    "'{name}' is a {kind}, not a process; calls are made by an actor ({actors})":
        "'{name}': 프로세스가 아니라 {kind}입니다. 호출은 actor({actors})가 합니다",
    "'{name}' is a process (an actor), not an fd or a value":
        "'{name}': fd나 값이 아니라 프로세스(actor)입니다",
    "'{name}' is a process (an actor), not a value: pass a number or a name from 'as:'":
        "'{name}': 값이 아니라 프로세스(actor)입니다. 숫자나 'as:'로 붙인 이름을 넘기세요",
    "'{name}' is a {kind} here, which does not fit":
        "'{name}': 여기서는 {kind}이므로 이 자리에 맞지 않습니다",
    "'{name}' is used before any step names it (step {n} does, with as: {name})":
        "'{name}': 이름이 붙기 전에 쓰였습니다 (이름을 붙이는 곳: {n}단계의 as: {name})",
    "no actor or name '{name}'{hint}": "그런 actor나 이름이 없습니다: '{name}'{hint}",
    "no actor or name '{name}'{hint} (actors: {actors}; names: {names})":
        "그런 actor나 이름이 없습니다: '{name}'{hint} (actor: {actors}; 이름: {names})",
    "no actor or name '{name}'{hint} (actors: {actors})":
        "그런 actor나 이름이 없습니다: '{name}'{hint} (actor: {actors})",
    "'{name}' is a process (fork()'s child); pass a number or an fd name":
        "'{name}': 프로세스(fork()의 자식)입니다. 숫자나 fd 이름을 넘기세요",
    "'{name}' is {owner}'s fd; {actor} has an fd table of its own (fd names belong to the process "
    "that got them and its fork() children)":
        "'{name}': {owner}의 fd입니다. {actor}에게는 자기 fd 테이블이 따로 있습니다 (fd 이름은 그 "
        "fd를 받은 프로세스와 그 fork() 자식들의 것입니다)",
    "{call}(): {param} cannot be a name ('{name}')":
        "{call}(): {param} 자리에는 이름을 쓸 수 없습니다 ('{name}')",
    "{host} is outside the lab: the wire lab's hosts are client 10.0.0.1 and server 10.0.0.2":
        "{host}: 실습 환경 밖의 주소입니다. 와이어 실습 환경의 호스트는 client 10.0.0.1과 server "
        "10.0.0.2입니다",
    "{host} is outside the lab: this loopback lab has 127.0.0.1 (and ::1)":
        "{host}: 실습 환경 밖의 주소입니다. 이 루프백 실습 환경에는 127.0.0.1(그리고 ::1)만 "
        "있습니다",
    "wire actions need a wire: add 'network: wire' to the lesson":
        "와이어 동작에는 와이어가 필요합니다: 레슨에 'network: wire'를 추가하세요",
    "wire.{action}() takes packet numbers or all": "wire.{action}()에는 패킷 번호나 all을 씁니다",
    "wire.clear() takes nothing": "wire.clear()에는 인자가 없습니다",
    "wire.{action}() takes packet numbers (1, 2, ...) or all":
        "wire.{action}()에는 패킷 번호(1, 2, ...)나 all을 씁니다",
    "unknown wire action '{action}'{hint} (rules: {rules}; held packets: {steps})":
        "알 수 없는 와이어 동작 '{action}'{hint} (규칙: {rules}; 붙잡아 둔 패킷: {steps})",
    "wire.{action}() takes key=value: {keys}":
        "wire.{action}()에는 key=value 형태로 씁니다: {keys}",
    "unknown rule key '{key}'{hint} (keys: {keys})":
        "알 수 없는 규칙 키 '{key}'{hint} (키: {keys})",
    "{key}= takes one value, not a list": "{key}=에는 목록이 아니라 값 하나를 씁니다",
    "'{name}' is already an actor's name": "'{name}': 이미 actor의 이름입니다",
    "{name} cannot be a name: use lowercase letters, digits and '_', and none of {reserved}":
        "{name}: 이름으로 쓸 수 없습니다. 영문 소문자, 숫자, '_'만 쓰고, 다음 단어는 피하세요: "
        "{reserved}",
    "'as' names what a call returns; this step makes no call (put it on the step whose call "
    "returns the value)":
        "'as'는 호출이 반환한 것에 이름을 붙입니다. 이 단계에는 호출이 없습니다 (그 값을 반환하는 "
        "호출이 있는 단계에 쓰세요)",
    "{call}() returns nothing to name": "{call}()에는 이름을 붙일 반환값이 없습니다",
    "{call}() returns two fds: as: [{first}, {second}]":
        "{call}()의 반환값은 fd 두 개입니다: as: [{first}, {second}]",
    "{call}() returns one value: give one name":
        "{call}()의 반환값은 하나입니다: 이름을 하나만 주세요",
    "'{name}' is what a call returned; this step makes no call (check the kernel instead, e.g. "
    "lsock.state == LISTEN)":
        "'{name}': 호출이 반환한 값입니다. 이 단계에는 호출이 없습니다 (대신 커널을 검사하세요. "
        "예: lsock.state == LISTEN)",
    "'{name}' is what a work call measured ({calls}); this step's call is {call}()":
        "'{name}': work 호출({calls})이 잰 값입니다. 이 단계의 호출은 {call}()입니다",
    "say what of '{name}' to check: {name}.state, {name}.blocked_in, {name}.fd[3].state...":
        "'{name}'의 무엇을 검사할지 쓰세요: {name}.state, {name}.blocked_in, {name}.fd[3].state...",
    "say which field of the fd: server.fd[3].state":
        "fd의 어느 필드인지 쓰세요: server.fd[3].state",
    "a check reads like lsock.state == LISTEN, ret == 0, count(SYN_RECV) == 1 or "
    "packets(flags=SYN) == 1":
        "검사는 lsock.state == LISTEN, ret == 0, count(SYN_RECV) == 1, packets(flags=SYN) == "
        "1처럼 씁니다",
    "'{name}' is a {kind}, not a process": "'{name}': 프로세스가 아니라 {kind}입니다",
    "an fd is a number or an fd's name: server.fd[3], server.fd[conn]":
        "fd는 번호나 fd의 이름으로 씁니다: server.fd[3], server.fd[conn]",
    "no field '{field}'{hint} (fields: {fields})":
        "그런 필드가 없습니다: '{field}'{hint} (필드: {fields})",
    "no field 'wire.{field}'{hint} (wire.held: how many packets the wire holds)":
        "그런 필드가 없습니다: 'wire.{field}'{hint} (wire.held: 와이어가 붙잡고 있는 패킷 수)",
    "wire.held needs a wire: add 'network: wire'":
        "wire.held에는 와이어가 필요합니다: 'network: wire'를 추가하세요",
    "'{name}' is a value, not an fd or a process: compare it, {name} == 5":
        "'{name}': fd나 프로세스가 아니라 값입니다. 값 자체를 비교하세요: {name} == 5",
    "say which fd: {name}.fd[3].state": "어느 fd인지 쓰세요: {name}.fd[3].state",
    "count takes one TCP state: count(SYN_RECV)":
        "count에는 TCP 상태 하나를 씁니다: count(SYN_RECV)",
    "packets takes key=value: from=, proto=, flags=, data=, fate=, mark=":
        "packets에는 key=value 형태로 씁니다: from=, proto=, flags=, data=, fate=, mark=",
    "no check '{name}()'{hint} (count(STATE), packets(...), interrupts(LINE), softirqs(NAME), "
    "sysctl(NAME), counter(NAME))":
        "그런 검사가 없습니다: '{name}()'{hint} (count(STATE), packets(...), interrupts(LINE), "
        "softirqs(NAME), sysctl(NAME), counter(NAME))",
    "{name} is not a counter of this kernel's /proc/net/snmp or /proc/net/netstat{hint} "
    "(written Table.Name: TcpExt.ListenOverflows, Tcp.InSegs, Udp.InDatagrams)":
        "{name}은(는) 이 커널의 /proc/net/snmp나 /proc/net/netstat에 있는 카운터가 "
        "아닙니다{hint} (Table.Name으로 씁니다: TcpExt.ListenOverflows, Tcp.InSegs, "
        "Udp.InDatagrams)",
    "counter takes a counter of the lab's namespace, and in a wire lab a host may come first: "
    "counter(TcpExt.ListenOverflows), counter(server, Tcp.RetransSegs)":
        "counter에는 실습 네임스페이스의 카운터를 쓰고, 와이어 실습에서는 앞에 호스트를 쓸 수 "
        "있습니다: counter(TcpExt.ListenOverflows), counter(server, Tcp.RetransSegs)",
    "a counter is read in every namespace of the lab, or in one host's of a wire lab (client, "
    "server), not '{host}'":
        "카운터는 실습의 모든 네임스페이스에서, 또는 와이어 실습의 한 호스트(client, server)에서 "
        "읽습니다. '{host}'가 아닙니다",
    "softirqs takes one of {names} or all{hint}":
        "softirqs에는 {names}, all 중 하나를 씁니다{hint}",
    "interrupts takes one line of /proc/interrupts: its label (LOC, 1), its device (i8042, "
    "\"virtio0-input\") or all":
        "interrupts에는 /proc/interrupts의 한 줄을 씁니다: 그 줄의 라벨(LOC, 1), 장치 이름(i8042, "
        "\"virtio0-input\") 또는 all",
    "data is true (carries bytes) or false": "data에는 true(바이트를 실은 패킷)나 false를 씁니다",
    "cannot match packets by '{key}'{hint} (from, proto, flags, data, fate, mark)":
        "패킷을 고르는 조건으로 쓸 수 없습니다: '{key}'{hint} (쓸 수 있는 조건: from, proto, "
        "flags, data, fate, mark)",
    "from= needs a wire lab (on loopback every packet is on lo)":
        "from=에는 와이어 실습 환경이 필요합니다 (루프백에서는 모든 패킷이 lo에 있습니다)",
    "{key} is one of {choices}, not {got}{hint}":
        "{key}에는 {choices} 중 하나를 씁니다 (지금 값: {got}){hint}",
    "compare it with something: ... == value": "무엇과 비교할지 쓰세요: ... == 값",
    "'{op}' compares numbers; {field} is not one":
        "'{op}' 연산자는 숫자를 비교합니다. {field}의 값은 숫자가 아닙니다",
    "'contains' looks inside text; {field} is not text":
        "'contains'는 텍스트 안을 찾습니다. {field}의 값은 텍스트가 아닙니다",
    "{field} is true or false": "{field}의 값은 true나 false입니다",
    "{field} is a number": "{field}의 값은 숫자입니다",
    "{field} is a whole number": "{field}의 값은 정수입니다",
    "{field} is an address like 127.0.0.1:8080": "{field}의 값은 127.0.0.1:8080 같은 주소입니다",
    "{field} is text: write it in quotes, \"hello\"":
        "{field}의 값은 텍스트입니다: 따옴표로 감싸 쓰세요, \"hello\"",
    "{field} is a name like {example}": "{field}의 값은 {example} 같은 이름입니다",
    "{field} is a name like this": "{field}의 값은 이름입니다",
    "process state is one of {letters} or {names}{hint}":
        "프로세스 상태는 {letters} 또는 {names} 중 하나입니다{hint}",
    "'{word}' is not a {field}{hint}": "'{word}': {field} 값이 아닙니다{hint}",
    "{field} and {other} are different kinds of value; compare an address with an address, a "
    "number with a number":
        "{field}, {other}: 종류가 다른 값입니다. 주소는 주소와, 숫자는 숫자와 비교하세요",
    "TCP states are written in capitals: {state}": "TCP 상태는 대문자로 씁니다: {state}",
    "Linux calls {word} '{state}' (the kernel's name, as ss shows it)":
        "{word}: 리눅스에서의 이름은 '{state}'입니다 (ss가 보여 주는 커널의 이름)",
    "unknown TCP state '{word}'{hint} (states: {states})":
        "알 수 없는 TCP 상태 '{word}'{hint} (상태: {states})",
    "{choices} or {last}": "{choices} 또는 {last}",
    "{name}: input should be a valid integer": "{name}: 정수여야 합니다",
    "{name}: input should be a valid string": "{name}: 문자열이어야 합니다",
    "{name}: input should be a valid list": "{name}: 목록이어야 합니다",
    "{name}: input should be greater than or equal to {limit}": "{name}: {limit} 이상이어야 합니다",
    "{name}: input should be less than or equal to {limit}": "{name}: {limit} 이하여야 합니다",
    "a question has 2 to 8 choices; this one has {n}":
        "질문의 선택지는 2개에서 8개까지입니다. 이 질문에는 {n}개가 있습니다",
    "{name}: at least {limit}, not {actual}":
        "{name}: {limit}개 이상이어야 합니다 (지금 {actual}개)",
    "{name}: at most {limit}, not {actual}":
        "{name}: {limit}개까지만 쓸 수 있습니다 (지금 {actual}개)",
    "{name}: the {lang} text must be a string": "{name}: {lang} 텍스트는 문자열이어야 합니다",
    "{name}: write text, or one text per language: {{en: ..., ko: ...}}":
        "{name}: 텍스트 하나를 쓰거나, 언어마다 텍스트를 하나씩 쓰세요: {{en: ..., ko: ...}}",
    "{name}: '{lang}' is not a language of syscall-lab (en, ko)":
        "{name}: syscall-lab이 지원하지 않는 언어입니다: '{lang}' (지원하는 언어: en, ko)",
    "{name}: write one line, or a list of lines":
        "{name}: 한 줄을 쓰거나, 여러 줄을 목록으로 쓰세요",
    "{name}: list the actors, [server, client], or map each to its host: {{server: {{host: "
    "server}}}}":
        "{name}: actor를 목록으로 적거나([server, client]), 각 actor를 호스트에 매핑하세요: "
        "{{server: {{host: server}}}}",
    "{name}: {error}": "{name}: {error}",
    "'{path}' is outside the lab's files: a lesson may open {files}, ... (the list is in the "
    "authoring guide)":
        "'{path}': 실습 환경에 있는 파일이 아닙니다. 레슨이 열 수 있는 파일: {files}, ... (전체 "
        "목록은 레슨 작성 안내서에 있습니다)",
    "step {n} ({part})": "{n}단계 ({part})",
    "step {n}": "{n}단계",
    "actor {name}": "actor {name}",
    "the lesson": "레슨",
    "English": "영어",
    "Korean": "한국어",
    "text": "문자열",
    "a number": "숫자",
    "a list": "리스트",
    "empty": "빈 값",
    "file descriptor": "파일 디스크립터",
    "value": "값",
    "process": "프로세스",
    "'{name}' is not a network sysctl of the lab's own namespace{hint} (see docs/authoring.md "
    "for the list)":
        "'{name}'는 실습 네임스페이스의 네트워크 sysctl이 아닙니다{hint} (목록은 "
        "docs/authoring.md에 있습니다)",
    "a sysctl is set in every namespace of the lab, or in one host's of a wire lab (client, "
    "server), not '{host}'":
        "sysctl은 실습의 모든 네임스페이스에, 또는 wire 실습의 한 호스트(client, server)에 "
        "설정합니다. '{host}'는 호스트가 아닙니다",
    "a question and its choices are shown before the step and quote nothing; quote the kernel "
    "in say, hint or explain":
        "질문과 선택지는 단계를 실행하기 전에 보이므로 커널 값을 인용할 수 없습니다. say, hint, "
        "explain에서 인용하세요",
    "a sysctl is set to a whole number: sysctl {name} = 8":
        "sysctl에는 정수를 설정합니다: sysctl {name} = 8",
    "{{{{ EXPR }}}} quotes one value; to choose a sentence by a check, write "
    "{{{{ if CHECK }}}}...{{{{ end }}}}":
        "{{{{ EXPR }}}}는 값 하나를 인용합니다. 검사 결과로 문장을 고르려면 "
        "{{{{ if CHECK }}}}...{{{{ end }}}}로 쓰세요",
    "sysctl takes a name, and in a wire lab a host first: sysctl(net.ipv4.tcp_syn_retries), "
    "sysctl(client, net.ipv4.tcp_syn_retries)":
        "sysctl에는 이름을 씁니다. wire 실습에서는 호스트를 먼저 쓸 수 있습니다: "
        "sysctl(net.ipv4.tcp_syn_retries), sysctl(client, net.ipv4.tcp_syn_retries)",
    "this {{{{ if ... }}}} has no {{{{ end }}}}":
        "이 {{{{ if ... }}}}에 짝이 되는 {{{{ end }}}}가 없습니다",
    "a '{{{{' or '}}}}' that is not a tag: quote the kernel as {{{{ EXPR }}}}":
        "태그가 아닌 '{{{{' 또는 '}}}}'가 있습니다. 커널 값은 {{{{ EXPR }}}}로 인용하세요",
    "an empty {{{{ }}}}: write what to quote, e.g. {{{{ sysctl(net.ipv4.tcp_syn_retries) }}}}":
        "빈 {{{{ }}}}입니다. 인용할 것을 쓰세요. 예: {{{{ sysctl(net.ipv4.tcp_syn_retries) }}}}",
    "say what to test: {{{{ if count(SYN_SENT) >= 1 }}}}":
        "무엇을 검사할지 쓰세요: {{{{ if count(SYN_SENT) >= 1 }}}}",
    "{{{{ {word} }}}} without an {{{{ if ... }}}} before it":
        "앞에 {{{{ if ... }}}} 없이 {{{{ {word} }}}}가 있습니다",
    "no actor or name '{name}': name what a call returns with 'as: {name}' on the step that "
    "makes it (later uses of '{name}' are not reported)":
        "'{name}'라는 액터나 이름이 없습니다. 그것을 만드는 단계에 'as: {name}'을 써서 호출이 "
        "반환한 것에 이름을 붙이세요 ('{name}'의 이후 사용은 따로 알리지 않습니다)",
    "say what to read as it was when the step began: before.count(TIME_WAIT), "
    "before.sock.state":
        "단계가 시작될 때의 무엇을 읽을지 쓰세요: before.count(TIME_WAIT), before.sock.state",
    "before. reads the kernel as it was when the step began: sockets (before.count(STATE), "
    "before.sock.state), processes and sysctls; not what the step itself did":
        "before.는 단계가 시작될 때의 커널을 읽습니다: 소켓(before.count(STATE), "
        "before.sock.state), 프로세스, sysctl입니다. 단계 자체가 한 일은 읽지 않습니다",
    "an fd": "fd",
    "a child process": "자식 프로세스",
    "write none, in lowercase, for no value; for a socket that is gone, check "
    "sock.exists == false":
        "값이 없음은 소문자로 none이라고 씁니다. 사라진 소켓은 sock.exists == false로 검사하세요",
    "'{name}' already names {what} (step {n}); {call}() returns {now}: give it another name":
        "'{name}'은(는) 이미 {what}의 이름입니다(단계 {n}). {call}()은(는) {now}을(를) 반환하니 "
        "다른 이름을 붙이세요",
    "'ready' is the fds {calls} said are ready; this step's call is {call}()":
        "'ready'는 {calls}가 준비됐다고 알려 준 fd들입니다. 이 단계의 호출은 {call}()입니다",
    "compare {field} with a list of signals, [SIGCHLD] or [], or look for one with "
    "'contains SIGCHLD'":
        "{field}은(는) [SIGCHLD]나 []처럼 시그널 목록과 비교하거나, 'contains SIGCHLD'로 하나를 "
        "찾으세요",
    "{field} holds signals by name: SIGCHLD, SIGPIPE, SIGTERM{hint}":
        "{field}에는 SIGCHLD, SIGPIPE, SIGTERM처럼 이름으로 시그널을 씁니다{hint}",
    "'contains' takes one signal: {field} contains SIGCHLD":
        "'contains' 뒤에는 시그널 하나를 씁니다: {field} contains SIGCHLD",
    "{field} is a list of fds: [conn1, conn2], or [] for none":
        "{field}은(는) fd의 목록입니다: [conn1, conn2], 없으면 []",
    "'optval' is what getsockopt() wrote; this step's call is {call}()":
        "'optval'은 getsockopt()가 써 준 값입니다. 이 단계의 호출은 {call}()입니다",
}
