# wasmhost: `make run` starts the daemon, `make test` runs every test.
SHELL := /bin/bash
SWIFT ?= swift
ARGS ?=

.PHONY: component-fixtures component-tests deps build build-debug run test unit-tests replica-tests cluster cluster-stop spec-tests openapi-tests console-tests console-screenshots deploy-check reliability-short bench fuzz fuzz-libfuzzer fuzz-api torture soak reliability-long clean

# Installs libmicrohttpd-dev, libpq-dev (and pkg-config) with apt-get when pkg-config cannot find them,
# and the pinned Wasmtime C API library (PyPI wheel, sha256-checked) into .deps/wasmtime.
deps:
	@if ! pkg-config --exists libmicrohttpd libpq 2>/dev/null; then \
	  echo "installing libmicrohttpd-dev libpq-dev"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmicrohttpd-dev libpq-dev pkg-config; \
	fi
	@bash scripts/wasmtime_deps.sh

# Both engines, one after the other, for every test that runs guests.
ENGINES ?= wasmtime wasmkit

build: deps
	$(SWIFT) build -c release

build-debug: deps
	$(SWIFT) build --build-tests

# Starts the daemon with the default embedded store (./data) on 127.0.0.1:8080.
run: build
	.build/release/wasmhost serve $(ARGS)

# Every test: Swift unit and integration tests (real daemon, real HTTP), the
# WebAssembly spec suite over HTTP, the per-module OpenAPI documents (spec
# validation, value-rule agreement, schemathesis, a generated client), the
# deploy files check, and the short
# reliability run (fuzz corpus replay, schemathesis, kill -9 torture, hostile
# HTTP and guests, a short soak), the web console in headless Chromium, and
# three replicas sharing a throwaway PostgreSQL (installed from Debian when missing).
test: deps unit-tests component-tests replica-tests spec-tests openapi-tests console-tests deploy-check reliability-short

unit-tests: build-debug
	@for engine in $(ENGINES); do \
	  echo "== swift test, engine $$engine"; \
	  SWIFT=$(SWIFT) scripts/ci/swift_test_watchdog.sh $$engine || exit 1; \
	done

# The store contract against PostgreSQL, then three daemons sharing it (about 2 minutes).
replica-tests: build-debug
	python3 tests/replicas/run.py --binary .build/debug/wasmhost --swift-contract

# PostgreSQL, three replicas and nginx round-robin on loopback (release build);
# prints nginx's URL. `make cluster-stop` stops it all.
cluster: build
	python3 scripts/cluster/cluster.py start --binary .build/release/wasmhost

cluster-stop:
	python3 scripts/cluster/cluster.py stop

spec-tests: build-debug
	@for engine in $(ENGINES); do \
	  echo "== spec suite, engine $$engine"; \
	  python3 tests/spec/run_spec.py --binary .build/debug/wasmhost --engine $$engine || exit 1; \
	done

# Installs jsonschema, openapi-spec-validator, schemathesis and openapi-python-client with pip when missing.
openapi-tests: build-debug
	WASMHOST_BIN=$(CURDIR)/.build/debug/wasmhost bash tests/openapi/run.sh

# The web console in a real browser (installs chromium, chromium-driver and selenium if missing).
console-tests: build-debug
	WASMHOST_BIN=$(CURDIR)/.build/debug/wasmhost bash tests/console/run.sh

# The same tests, saving a screenshot of each main view in docs/console/.
console-screenshots: build-debug
	WASMHOST_BIN=$(CURDIR)/.build/debug/wasmhost bash tests/console/run.sh --screenshots $(CURDIR)/docs/console

deploy-check:
	bash deploy/verify.sh

reliability-short: build-debug
	WASMHOST_BIN=$(CURDIR)/.build/debug/wasmhost WASMHOST_FUZZ_BIN=$(CURDIR)/.build/debug/wasmhost-fuzz \
	  bash scripts/reliability/run.sh short

# Long runs (not part of `make test`). FUZZ_SECONDS / DURATION / CYCLES can be set.
FUZZ_SECONDS ?= 600
DURATION ?= 30m
CYCLES ?= 100
fuzz: build-debug
	bash scripts/reliability/fuzz.sh $(FUZZ_SECONDS)

fuzz-libfuzzer: deps
	bash scripts/reliability/fuzz.sh libfuzzer $(FUZZ_SECONDS)

fuzz-api: build-debug
	bash scripts/reliability/fuzz_api.sh long

torture: build-debug
	WASMHOST_BIN=$(CURDIR)/.build/debug/wasmhost python3 scripts/reliability/torture.py $(CYCLES)

soak: build-debug
	WASMHOST_BIN=$(CURDIR)/.build/debug/wasmhost bash scripts/reliability/soak.sh $(DURATION)

reliability-long: build-debug
	bash scripts/reliability/run.sh long

# The componentize-py fixture, .build/components/python-app.wasm (about 18 MB, 10 s of CPU);
# installs the pinned componentize-py into .deps/ when missing; skips when up to date.
component-fixtures:
	bash scripts/components/build_componentize_py.sh

# Every component fixture over HTTP against the same calls on the wasmtime Python
# package (the reference), plus the componentize-py component (built when missing).
component-tests: build-debug
	WASMHOST_BIN=$(CURDIR)/.build/debug/wasmhost bash tests/components/run.sh

# Benchmarks (not tests): release build, wrk and an in-process harness.
bench: deps
	bash scripts/bench.sh

clean:
	rm -rf .build
