# Tasks for contributors (see CONTRIBUTING.md). Every target uses .venv, made by `make venv`.
PY := .venv/bin/python
BIN := .venv/bin

.PHONY: venv lint type test fast snapshots schemas syscall-table docs benches bench-quick constraints check

venv:  ## a fresh .venv with the versions the tests passed on
	/usr/bin/python3 -m venv .venv
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'

lint:  ## ruff, as CI runs it
	$(BIN)/ruff check .

type:  ## mypy --strict and the import contracts
	$(BIN)/mypy --strict syscall_lab
	$(BIN)/lint-imports

test:  ## the whole suite, as the README and CI run it
	$(PY) -m pytest -ra

fast:  ## the tests that start no lab
	$(PY) -m pytest -ra -m "not kernel"

check:  ## every bundled lesson on the real kernel
	$(BIN)/syscall-lab check lessons/

snapshots:  ## redraw the TUI snapshots after a deliberate change (then review the SVG diffs)
	$(PY) -m pytest tests/test_tui_snapshots.py --snapshot-update

schemas:  ## the JSON Schemas editors read, from the code
	$(BIN)/syscall-lab schema > lessons/lesson.schema.json
	$(BIN)/syscall-lab schema --course > lessons/course.schema.json

syscall-table:  ## engine/syscall_table.py, every syscall's number, from the kernel's uapi headers
	$(PY) tools/gen_syscall_table.py

docs:  ## docs/authoring.md's table of calls, from the registry
	$(PY) -m syscall_lab.engine.vocabulary.doc docs/authoring.md

bench-quick:  ## every bench, small (what tests/test_benches.py runs)
	for b in bench/bench_*.py; do $(PY) $$b --quick || exit 1; done

benches:  ## every bench in full; figures to bench/results/
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

constraints:  ## pin what .venv holds now, after a deliberate upgrade that passed `make test`
	( sed -n '1,3p' constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^syscall' ) > constraints.new
	mv constraints.new constraints.txt
