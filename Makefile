# Warden: `make run` starts the product, `make test` proves it. `make help` lists the rest.
SHELL := /bin/bash
GO ?= go
WASM := web/app.wasm
WASM_SRC := $(shell find app shared -name '*.go' -not -name '*_test.go') go.mod go.sum
SERVER_SRC := $(shell find server shared app -name '*.go' -not -name '*_test.go') go.mod go.sum $(shell find server -name '*.sql')

.PHONY: help run build wasm test vet clean migrate new-migration

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: build ## build everything and start the server on :8000 (SQLite in ./data, or DATABASE_URL)
	./bin/server

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
# /usr/bin/chromium). Without them those tests skip, or fail under CI=true.
test: vet $(WASM).br ## vet, then every test: unit, store (SQLite + PostgreSQL), HTTP, go-app, browser
	$(GO) test -count=1 -timeout 15m ./...

migrate: bin/server ## apply database migrations and exit
	./bin/server migrate

new-migration: ## create an empty migration for both databases: make new-migration NAME=add_things
	@test -n "$(NAME)" || { echo "usage: make new-migration NAME=what_it_does"; exit 2; }
	@ts=$$(date -u +%Y%m%d%H%M%S); for d in postgres sqlite; do \
		f=server/store/migrations/$$d/$${ts}_$(NAME).up.sql; echo "-- $(NAME)" > $$f; echo "created $$f"; done

clean: ## remove build outputs (not ./data)
	rm -rf bin $(WASM) $(WASM).br $(WASM).gz
