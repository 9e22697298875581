# smsmesh — the two commands: `make dev` (run a local gateway) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help deps build dev test test-unit test-integration bench typecheck clean mutation k8s-monitoring

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

deps: node_modules/.package-lock.json ## install npm packages (and nats-server from apt when missing)
	@command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || { \
	  echo "nats-server not found: installing it with apt-get"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq nats-server; }

build: deps ## compile the gateway (npm run build) and the tools (npm run build:tools) into dist/
	npm run build --silent
	npm run build:tools --silent

dev: build ## run nats-server (unless NATS_URL answers), the SMSC simulator and the gateway; Ctrl-C stops all
	PATH="/usr/sbin:$$PATH" node dist/cmd/dev.js

test: deps ## the whole suite: types, unit, integration (installs/starts nats-server, PostgreSQL, Net::SMPP when missing)
	bash scripts/ensure-test-services.sh
	PATH="/usr/sbin:$$PATH" npm test

test-unit: deps ## unit tests only
	npx vitest run --project unit

test-integration: build ## integration tests only
	bash scripts/ensure-test-services.sh
	PATH="/usr/sbin:$$PATH" npx vitest run --project integration

typecheck: deps
	npx tsc -p tsconfig.json --noEmit

MUTATE ?=
mutation: deps ## StrykerJS over the pure core (sms, SMPP codec, receipts, token bucket, outcome, routing); MUTATE=file scopes it
	npx stryker run $(if $(MUTATE),--mutate $(MUTATE))
	node scripts/mutation-summary.mjs

k8s-monitoring: ## write k8s/base/prometheus-rule.yaml and grafana-dashboard.yaml from deploy/ (the same alerts and dashboard for Kubernetes)
	node scripts/k8s-monitoring.mjs

clean: ## remove build output, local data, mutation-testing output and bench-compare's base builds
	rm -rf dist .data .stryker-tmp reports/mutation .bench-base

BENCH_ARGS ?=
.PHONY: bench-kannel

bench: build ## benchmark on loopback (fresh nats-server, PostgreSQL db, SMSC simulator, gateway; Kannel too when installed); BENCH_ARGS="--quick" …
	PATH="/usr/sbin:$$PATH" node dist/cmd/bench.js $(BENCH_ARGS)

bench-kannel: build ## install Kannel 1.4.5 with apt when missing, then make bench with Kannel side by side
	@command -v bearerbox >/dev/null || [ -x /usr/sbin/bearerbox ] || { \
	  echo "Kannel not found: installing it with apt-get"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq kannel; }
	PATH="/usr/sbin:$$PATH" node dist/cmd/bench.js --kannel on $(BENCH_ARGS)

.PHONY: drills
DRILLS_ARGS ?=
drills: build ## fault drills on a 3-node NATS cluster (kill, freeze, restart NATS/PostgreSQL/processes, SMSC faults); DRILLS_ARGS="--short" …
	PATH="/usr/sbin:$$PATH" node dist/cmd/drills.js $(DRILLS_ARGS)

.PHONY: bench-compare
BASE ?=
COMPARE_ARGS ?=
bench-compare: build ## make bench for BASE=<git rev> and this build in turns (ABBA), side by side with the machine's speed; BENCH_ARGS="…"
	@[ -n "$(BASE)" ] || { echo 'make bench-compare needs BASE=<git rev>, for example: make bench-compare BASE=HEAD~1 BENCH_ARGS="--rates 2000,3000"'; exit 2; }
	PATH="/usr/sbin:$$PATH" node dist/cmd/bench-compare.js --base $(BASE) $(COMPARE_ARGS) -- $(BENCH_ARGS)

.PHONY: bench-hops
HOPS_ARGS ?=
bench-hops: build ## CPU per 1,000 of each hop at its floor (HTTP, JetStream store/consume, events, SMPP, PostgreSQL) and the design's floor per message
	PATH="/usr/sbin:$$PATH" node dist/cmd/bench-hops.js $(HOPS_ARGS)

.PHONY: bench-status
STATUS_ARGS ?=
bench-status: build ## the status store's batch apply alone: PostgreSQL's CPU and the store's per 1,000 messages; STATUS_ARGS="--base <rev>" compares builds
	node dist/cmd/bench-status.js $(STATUS_ARGS)

.PHONY: bench-bind
bench-bind: build ## submit_sm/s of one connector bind at windows 1, 10, 100 against the simulator
	PATH="/usr/sbin:$$PATH" node dist/cmd/bench-bind.js
