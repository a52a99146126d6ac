# wasmhost: `make run` starts the daemon, `make test` runs every test.
SHELL := /bin/bash
SWIFT ?= swift
ARGS ?=

.PHONY: deps build build-debug run test unit-tests spec-tests deploy-check bench clean

# Installs libmicrohttpd-dev (and pkg-config) with apt-get when pkg-config cannot find it.
deps:
	@if ! pkg-config --exists libmicrohttpd 2>/dev/null; then \
	  echo "installing libmicrohttpd-dev"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmicrohttpd-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build -c release

build-debug: deps
	$(SWIFT) build --build-tests

# Starts the daemon with the default embedded store (./data) on 127.0.0.1:8080.
run: build
	.build/release/wasmhost serve $(ARGS)

# Every test: Swift unit and integration tests (real daemon, real HTTP), the
# WebAssembly spec suite over HTTP, and the deploy files check.
test: deps unit-tests spec-tests deploy-check

unit-tests: build-debug
	$(SWIFT) test --skip-build

spec-tests: build-debug
	python3 tests/spec/run_spec.py --binary .build/debug/wasmhost

deploy-check:
	bash deploy/verify.sh

# Benchmarks (not tests): release build, wrk and an in-process harness.
bench: deps
	bash scripts/bench.sh

clean:
	rm -rf .build
