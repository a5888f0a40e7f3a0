# Everything a fresh clone needs: `make run` to talk to the assistant, `make test` to
# check it. Each step is a file target, so nothing is rebuilt or retrained needlessly.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
PY := $(BIN)/python

RASA_PORT ?= 5005
ACTION_PORT ?= 5055
MODEL := models/ptsd-assistant.tar.gz
SPACY_MODEL := build/spacy_model

# Settings that Rasa and the actions read. Override any on the command line or in the
# environment, e.g. TRACKER_URL=postgresql://user:pw@host:5432/rasa.
export TRACKER_URL ?= sqlite:///$(CURDIR)/var/conversations.db
# endpoints.yml names the action server on 127.0.0.1:5055. Another ACTION_PORT, or
# ACTION_ENDPOINT_URL set, runs Rasa with deploy/endpoints.yml, which reads that variable.
ifneq ($(ACTION_PORT),5055)
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTION_PORT)/webhook
endif
ENDPOINTS := $(if $(ACTION_ENDPOINT_URL),deploy/endpoints.yml,endpoints.yml)
# The action server answers only the Rasa server beside it: loopback unless told otherwise
# (rasa-sdk reads SANIC_HOST). Replicas on other machines need ACTION_HOST=0.0.0.0.
ACTION_HOST ?= 127.0.0.1
# Rasa's HTTP API (/conversations, /model, ...) stays off; setting RASA_API_TOKEN turns it
# on, always behind that token, so it is never open to anyone.
RASA_API_TOKEN ?=
API_FLAGS := $(if $(RASA_API_TOKEN),--enable-api --auth-token $(RASA_API_TOKEN))
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONHASHSEED := 0
# Origins allowed by CORS and allowed to embed the chat (space-separated): the
# assistant's own by default, never "*". Add a host site to embed the chat there,
# e.g. CORS_ORIGINS="http://localhost:5005 https://clinic.example".
export CORS_ORIGINS ?= http://localhost:$(RASA_PORT)

# Rasa 3.6 needs Python 3.10 or older; on 3.11 pip silently picks rasa 1.10.
PYTHON310 := $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)

TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') \
	$(wildcard addons/*.py) $(SPACY_MODEL)/meta.json

.PHONY: help setup run shell actions train test test-unit test-server test-browser test-scale check new-faq report evaluate lock spacy-model generate bench profile retention review clean

help:
	@echo "make run    set up, train if needed, start the assistant on :$(RASA_PORT) (actions on :$(ACTION_PORT))"
	@echo "            the website chat is then at http://localhost:$(RASA_PORT)/chat/"
	@echo "make shell  chat with the assistant in this terminal"
	@echo "make test   set up and run every check"
	@echo "make test-scale  two Rasa instances on PostgreSQL and Redis, one killed mid-run"
	@echo "make bench  latency, throughput, memory, start and training against stock rasa init (not a test)"
	@echo "make profile  where a message's CPU time goes, sampled by py-spy under load (not a test)"
	@echo "make new-faq NAME=topic   scaffold a FAQ topic (see CONTRIBUTING.md)"
	@echo "make check  lint and data checks;  make generate  rewrite the files derived from content/faq/ and data/risk/"
	@echo "make report cross-validated NLU report in results/report/"
	@echo "make retention [DRY_RUN=1]  delete conversations older than RETENTION_DAYS (90)"
	@echo "make review the staff review pages on http://127.0.0.1:$(REVIEW_PORT)/ (accounts: $(PY) -m review.accounts create NAME)"

$(BIN)/.installed: requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (Rasa 3.6 supports 3.8-3.10)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip check
	touch $@

setup: $(BIN)/.installed $(SPACY_MODEL)/meta.json

$(SPACY_MODEL)/meta.json: $(BIN)/.installed spacy_pipeline/build.py spacy_pipeline/substances.yml spacy_pipeline/acronyms.yml
	$(PY) spacy_pipeline/build.py $(SPACY_MODEL)

spacy-model: $(SPACY_MODEL)/meta.json

# FAQ topics live in content/faq/ and the risk lists in data/risk/; the Rasa files derived
# from them are generated.
generate: $(BIN)/.installed
	$(PY) -m tools.faqgen

$(MODEL): $(TRAINING_INPUTS) | $(BIN)/.installed
	$(PY) -m tools.faqgen --check
	$(RASA) train --fixed-model-name ptsd-assistant --out models
	touch $@

train: setup $(MODEL)

var:
	mkdir -p var

actions: setup
	SANIC_HOST=$(ACTION_HOST) $(RASA) run actions --port $(ACTION_PORT) --auto-reload

# Ctrl-C stops both servers: the trap ends the action server when Rasa exits.
run: train | var
	@SANIC_HOST=$(ACTION_HOST) $(RASA) run actions --port $(ACTION_PORT) & ACTIONS=$$!; \
	trap "kill $$ACTIONS 2>/dev/null" EXIT INT TERM; \
	echo ""; \
	echo "  Starting. When Rasa says it is up, talk to it with:"; \
	echo "    curl -s localhost:$(RASA_PORT)/webhooks/rest/webhook -H 'Content-Type: application/json' \\"; \
	echo "         -d '{\"sender\": \"me\", \"message\": \"what is ptsd?\"}'"; \
	echo "  or open the website chat at http://localhost:$(RASA_PORT)/chat/"; \
	echo "  or run 'make shell' in another terminal. Ctrl-C stops both servers."; \
	echo ""; \
	$(RASA) run --model $(MODEL) --port $(RASA_PORT) --endpoints $(ENDPOINTS) --credentials credentials.yml --cors $(CORS_ORIGINS) $(API_FLAGS)

shell: train | var
	@SANIC_HOST=$(ACTION_HOST) $(RASA) run actions --port $(ACTION_PORT) >var/actions.log 2>&1 & ACTIONS=$$!; \
	trap "kill $$ACTIONS 2>/dev/null" EXIT INT TERM; \
	$(RASA) shell --model $(MODEL) --endpoints $(ENDPOINTS)

# Lint (ruff.toml), then data and content checks that name the file and line of each
# problem (tools/datacheck.py).
check: setup
	$(BIN)/ruff check .
	$(PY) -m tools.datacheck

# Scaffold a FAQ topic in content/faq/: make new-faq NAME=naloxone
new-faq: $(BIN)/.installed
	@$(PY) -m tools.new_faq $(NAME)

# Cross-validated NLU report with Rasa's plots and a summary: results/report/summary.md
FOLDS ?= 3
report: setup
	$(PY) -m tools.nlu_report --folds $(FOLDS) --out results/report

test-unit: setup
	$(PY) -m pytest -q tests/unit

# End-to-end test stories with Rasa's own runner, then held-out NLU accuracy on the topics'
# own held-out phrasings and FAQ rounds 2 to 8 (floors: 93.3%, 93.7%, 92.2%, 95.3%, 95.7%,
# 97.5%, 94.8% and 83.9% measured on 2026-11-30, less two to four points; issue 13's target
# is 97%), then round 13 of risk.
evaluate: train
	$(RASA) test core --model $(MODEL) --stories tests/e2e --fail-on-prediction-errors --out results/core
	$(PY) -m tools.heldout_eval --model $(MODEL) --min-accuracy 0.89
	$(PY) -m tools.heldout_eval --model $(MODEL) --data tests/heldout/faq_round2 --min-accuracy 0.90 --out results/heldout_round2.json
	$(PY) -m tools.heldout_eval --model $(MODEL) --data tests/heldout/faq_round3 --min-accuracy 0.90 --out results/heldout_round3.json
	$(PY) -m tools.heldout_eval --model $(MODEL) --data tests/heldout/faq_round4 --min-accuracy 0.93 --out results/heldout_round4.json
	$(PY) -m tools.heldout_eval --model $(MODEL) --data tests/heldout/faq_round5 --min-accuracy 0.92 --out results/heldout_round5.json
	$(PY) -m tools.heldout_eval --model $(MODEL) --data tests/heldout/faq_round6 --min-accuracy 0.94 --out results/heldout_round6.json
	$(PY) -m tools.heldout_eval --model $(MODEL) --data tests/heldout/faq_round7 --min-accuracy 0.91 --out results/heldout_round7.json
	$(PY) -m tools.heldout_eval --model $(MODEL) --data tests/heldout/faq_round8 --min-accuracy 0.80 --out results/heldout_round8.json
	$(PY) -m tools.risk_eval --model $(MODEL) tests/heldout/risk_round13.yml

# Tests against the real servers, started by the test fixtures on spare ports, and a
# PostgreSQL from Debian's packages for the tracker-store test.
test-server: train
	TEST_POSTGRES_URL=$$(scripts/start_postgres.sh rasa_test) $(PY) -m pytest -q tests/server

# The website chat in Debian's Chromium (installed here if missing; never a browser
# download), against the real servers on ports 5205/5255.
test-browser: train
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(PY) -m pytest -q tests/browser

# Two Rasa instances and two action servers sharing PostgreSQL and Redis (both from
# Debian's packages, started by the tests on their own ports), a short load sent to both,
# then one instance killed: nothing lost, duplicated or reordered (tests/scale/).
test-scale: train
	command -v redis-server >/dev/null || (apt-get update && apt-get install -y redis-server)
	test -d /usr/lib/postgresql || (apt-get update && apt-get install -y postgresql)
	$(PY) -m pytest -q tests/scale

test: check test-unit evaluate test-server test-browser test-scale

# Re-resolve requirements.in in a throw-away venv and record every version it chose.
lock:
	rm -rf build/lock-venv && $(PYTHON310) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements.in
	{ echo '# The exact resolved set CI tests, for Python 3.10: `make lock` regenerates it from requirements.in.'; \
	  build/lock-venv/bin/pip freeze --all --exclude pip; } > requirements.lock
	rm -rf build/lock-venv

# Delete conversations whose last event is older than RETENTION_DAYS from TRACKER_URL's
# database; DRY_RUN=1 only reports. See docs/transcripts-and-privacy.md for cron.
retention: $(BIN)/.installed
	$(PY) -m tools.retention $(if $(DRY_RUN),--dry-run)

# The staff review pages, on loopback only, reading TRACKER_URL's database
# (docs/reviewing.md). Not on the patient-facing Rasa server.
export REVIEW_PORT ?= 5080
review: $(BIN)/.installed | var
	REVIEW_SECURE_COOKIES=$${REVIEW_SECURE_COOKIES:-0} $(PY) -m review

# Our assistant against the stock `rasa init` project (build/baseline), in turn, on this
# machine: results/bench/. Not a test. Options, e.g. BENCH_ARGS="--train --publish" (see
# `$(PY) -m tools.bench --help`); a quick check: BENCH_ARGS="--messages 50 --load-seconds 10".
BENCH_ARGS ?=
bench: train
	$(PY) -m tools.bench $(BENCH_ARGS)

# Where a message's CPU time goes, sampled by py-spy under load: results/profile/. Not a
# test. py-spy is a profiling tool, not a dependency of the assistant: its own venv.
PY_SPY_VERSION := 0.4.3
PROFILE_ARGS ?=
build/profile-venv/bin/py-spy:
	$(PYTHON310) -m venv build/profile-venv
	build/profile-venv/bin/pip install --quiet --disable-pip-version-check py-spy==$(PY_SPY_VERSION)
profile: train build/profile-venv/bin/py-spy
	$(PY) -m tools.profile --py-spy build/profile-venv/bin/py-spy $(PROFILE_ARGS)

clean:
	rm -rf build models results var .pytest_cache
