# Warden: `make run` starts the product, `make test` proves it. `make help` lists the rest.
SHELL := /bin/bash
GO ?= go
WASM := web/app.wasm
# The catalogs of words are embedded in both: a changed translation builds again.
CATALOGS := $(wildcard shared/words/catalog/*.json)
WASM_SRC := $(shell find app shared -name '*.go' -not -name '*_test.go') go.mod go.sum $(CATALOGS)
SERVER_SRC := $(shell find server shared app -name '*.go' -not -name '*_test.go') go.mod go.sum $(shell find server -name '*.sql') $(CATALOGS)

.PHONY: help run build wasm test test-clocks vet clean migrate new-migration

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# The Go runtime's settings for the server, e.g. SERVER_GODEBUG=madvdontneed=0:
# freed memory then stays mapped (MADV_FREE), a few percent more logins per
# second for a resident size well past the memory limit (README, Configuration).
SERVER_GODEBUG ?=

run: build ## build everything and start the server on :8000 (SQLite in ./data, or DATABASE_URL)
	GODEBUG=$(SERVER_GODEBUG) ./bin/server

build: $(WASM).br bin/server ## build the wasm app (pre-compressed) and the server binary

wasm: $(WASM).br ## build only web/app.wasm and its .br/.gz copies

$(WASM): $(WASM_SRC)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./app/wasm

$(WASM).br: $(WASM)
	$(GO) run ./server/cmd/precompress $(WASM)

# The version names the PWA's cache: a hash of what the browser downloads, so
# a new build replaces the cached shell and an unchanged one keeps it.
bin/server: $(SERVER_SRC) $(WASM).br web/styles.css
	$(GO) build -trimpath -o $@ \
		-ldflags "-X main.version=$$(cat $(WASM) web/styles.css | sha256sum | cut -c1-16)" ./server

vet: ## go vet for the server and for the wasm side
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./shared/...

# Store tests run on SQLite and on PostgreSQL (TEST_DATABASE_URL, default the
# local server); browser tests use Chromium (CHROMIUM, default
# /usr/bin/chromium), the accessibility test axe-core from test/node_modules.
# Without them those tests skip, or fail under CI=true;
# the last line says what was skipped and why.
# Then the packages whose tests fix the clock run again with its base five
# years ahead and five years back: nothing may depend on today's date.
SKIP_LOG := $(CURDIR)/.test-skips
# axe-core for the accessibility test, from npm (test/package-lock.json).
NPM_STAMP := test/node_modules/.installed
$(NPM_STAMP): test/package.json test/package-lock.json
	cd test && npm ci --no-audit --no-fund
	touch $@

CLOCK_PACKAGES := ./server/auth/... ./server/store ./server/httpapi
test: vet $(WASM).br $(NPM_STAMP) ## vet, then every test (unit, store on SQLite + PostgreSQL, HTTP, go-app, browser and axe-core), then the clock-shifted runs
	@rm -f $(SKIP_LOG)
	TEST_SKIP_LOG=$(SKIP_LOG) $(GO) test -count=1 -timeout 15m ./... ; rc=$$?; \
	if [ $$rc = 0 ]; then $(MAKE) --no-print-directory test-clocks || rc=$$?; fi; \
	if [ -s $(SKIP_LOG) ]; then awk -F'\t' '{n[$$1]++; why[$$1]=$$2} END {printf "SKIPPED:"; \
		for (k in n) printf " %d tests needing %s (%s);", n[k], k, substr(why[k], 1, 100); print " set CI=true to make these fail"}' $(SKIP_LOG); fi; \
	rm -f $(SKIP_LOG); exit $$rc

# Every screen of the accessibility walk (server/a11y_test.go) at each size,
# photographed whole into SCREENSHOTS (each PNG's height is the page's, and
# the test log names each with it).
SCREENSHOTS ?= screenshots
.PHONY: screenshots
screenshots: $(WASM).br $(NPM_STAMP) ## photograph every screen at 1280x900 and 390x844, in English and Russian, into SCREENSHOTS (default ./screenshots)
	mkdir -p $(SCREENSHOTS)
	cd server && SCREENSHOTS=$(abspath $(SCREENSHOTS)) $(GO) test -count=1 -v -run 'TestA11y_EveryScreenAtBothSizes' . | grep -E 'screenshot|^(ok|FAIL|---)'

test-clocks: ## the fixed-clock tests with their base moved 5 years ahead and 5 years back
	TEST_CLOCK_YEARS=5 $(GO) test -count=1 -timeout 10m $(CLOCK_PACKAGES)
	TEST_CLOCK_YEARS=-5 $(GO) test -count=1 -timeout 10m $(CLOCK_PACKAGES)

# Fuzz targets are found, not listed here, so a new one is never forgotten.
# Each runs alone for FUZZTIME; a failing input lands in that package's
# testdata/fuzz/ and from then on runs with the ordinary tests.
# Shrinking each new input may take up to a minute by default, time in which
# nothing is fuzzed; a few seconds keeps most of a short run for fuzzing.
# FUZZFLAGS passes more flags, e.g. FUZZFLAGS=-parallel=2 on a shared machine.
FUZZTIME ?= 30s
.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (default 30s): make fuzz FUZZTIME=5m
	@failed=; for dir in $$(grep -rlE --include='*_test.go' '^func Fuzz' . | xargs -r -n1 dirname | sort -u); do \
		for name in $$($(GO) test -list '^Fuzz' $$dir | grep '^Fuzz'); do \
			echo "== $$dir $$name"; \
			$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $(FUZZFLAGS) $$dir || failed="$$failed $$dir:$$name"; \
		done; \
	done; \
	if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

# The figures of docs/PERFORMANCE.md, against bin/server in its own process;
# BENCHFLAGS passes flags to the tool, e.g. BENCHFLAGS='-duration 30s -only login',
# or BENCHFLAGS=-quick: every phase for 2 s on small tables (under a minute),
# which .ci/run uses to check that the benchmark still works.
.PHONY: bench
bench: build ## measure logins, second steps, history pages, memory, a login flood, wasm size and page load (about 6 minutes)
	GODEBUG=$(SERVER_GODEBUG) $(GO) run ./server/cmd/bench $(BENCHFLAGS)

migrate: bin/server ## apply database migrations and exit
	./bin/server migrate

new-migration: ## create an empty migration for both databases: make new-migration NAME=add_things
	@test -n "$(NAME)" || { echo "usage: make new-migration NAME=what_it_does"; exit 2; }
	@ts=$$(date -u +%Y%m%d%H%M%S); for d in postgres sqlite; do \
		f=server/store/migrations/$$d/$${ts}_$(NAME).up.sql; echo "-- $(NAME)" > $$f; echo "created $$f"; done

clean: ## remove build outputs (not ./data)
	rm -rf bin $(WASM) $(WASM).br $(WASM).gz
