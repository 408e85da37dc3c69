# The two commands: `make run` serves the demo on SQLite; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo plan is the 2024 one: look at it as of a day in its year unless told otherwise.
DEMO_AS_OF_DATE ?= 2024-09-30
DEMO_PASSWORD ?= minsheng2024

.PHONY: install run test lint format migrations-check messages check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Development installs the production pins plus the test and lint tools (requirements-dev.lock);
# the Docker image installs requirements.lock alone.
$(VENV)/.installed: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true MINSHENG_AS_OF_DATE=$(DEMO_AS_OF_DATE) $(BIN)/python manage.py loaddemo --password "$(DEMO_PASSWORD)"
	@echo ""
	@echo "  禹会区民生实事公开平台 — http://$(HOST):$(PORT)/   (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  Demo accounts (password: $(DEMO_PASSWORD)): admin, coordinator, leader, jiaoyu, weijian, zhujian"
	@echo "  Lights are judged as of $(DEMO_AS_OF_DATE) (MINSHENG_AS_OF_DATE); set DEMO_AS_OF_DATE= for today."
	@echo "  Reminders without a broker: DJANGO_DEBUG=true $(BIN)/python manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]"
	@echo "  With Redis: REDIS_URL=redis://127.0.0.1:6379/0 make run, and in two more terminals:"
	@echo "    DJANGO_DEBUG=true REDIS_URL=redis://127.0.0.1:6379/0 $(BIN)/celery -A minsheng worker --loglevel=INFO"
	@echo "    DJANGO_DEBUG=true REDIS_URL=redis://127.0.0.1:6379/0 $(BIN)/celery -A minsheng beat --loglevel=INFO"
	@echo ""
	DJANGO_DEBUG=true MINSHENG_AS_OF_DATE=$(DEMO_AS_OF_DATE) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Tests run on every core (pytest-xdist); PYTEST_WORKERS=0 runs them in this one process, and
# PYTEST_ARGS adds options or picks tests (a later -n wins over this one). The browser tests
# share one worker (--dist loadgroup): they load the demo plan once.
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench
	DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

check: lint migrations-check test

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
