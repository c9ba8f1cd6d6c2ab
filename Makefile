# Songnuan: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DB ?= var/songnuan.sqlite3

.PHONY: demo test screenshots lint messages install install-test install-faces browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24" "setuptools>=69,<81" wheel

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	touch $@

# The faces extra: about 140 MB (dlib and its models) and a minute or so from the pip cache.
$(VENV)/.installed-faces: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[faces]"
	$(BIN)/pip install -q --no-deps "face_recognition==1.3.0"
	touch $@

install: $(VENV)/.installed messages
install-test: $(VENV)/.installed-test messages
install-faces: $(VENV)/.installed-faces

# Compiled catalogues are build products: compile every app's .po into .mo.
messages: $(VENV)/.installed
	@for dir in $$(find songnuan -type d -name locale); do \
		$(BIN)/pybabel -q compile -D django -d $$dir || exit 1; \
	done

demo: install
	@mkdir -p var
	DEMO=1 DATABASE_URL=sqlite:///$(abspath $(DEMO_DB)) $(BIN)/songnuan demo --serve --host $(HOST) --port $(PORT)

browser:
	@sh scripts/ensure-browser

test: install-test install-faces browser
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n 2 --dist loadgroup

# The browser tests again, keeping a picture of every page they look at in screenshots/.
screenshots: install-test install-faces browser
	SCREENSHOTS=1 env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n 2 --dist loadgroup tests/e2e

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var staticfiles
