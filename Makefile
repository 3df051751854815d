# Easel: build, test, lint and install.  `make help` lists the targets.
#
# Every target installs what it needs first through scripts/deps.sh (idempotent,
# fast when all is present), and builds the frontend before anything compiles the
# main package, which embeds frontend/dist.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
# Targets run one after another, in the order they are listed, even under -j.
.NOTPARALLEL:

# npm: no update notices, funding or audit chatter in build logs.
export npm_config_update_notifier := false
export npm_config_fund := false
export npm_config_audit := false

BIN  := build/bin/easel
TYPES := frontend/src/lib/types.gen.ts
DEPS := bash scripts/deps.sh
ARGS ?=

comma := ,
# "webkit2_41" where only WebKitGTK 4.1 is installed (Ubuntu 24.04, Debian 13), else empty.
# Deferred (=): evaluated when a recipe runs, after that run's deps step installed WebKitGTK.
WEBKIT_TAG = $(shell $(DEPS) webkit-tag)
BUILD_TAGS = desktop,production$(if $(WEBKIT_TAG),$(comma)$(WEBKIT_TAG))
# go vet/test/bench compile the same cgo code without the window tags.
GO_TAGS = $(if $(WEBKIT_TAG), -tags $(WEBKIT_TAG))

.PHONY: help deps build run test lint bench install uninstall clean frontend bindings types

help:
	@echo "make build      deps, frontend, then $(BIN)"
	@echo "make run        build, then run $(BIN) \$$ARGS  (e.g. make run ARGS=\"--data /tmp/x\")"
	@echo "make test       deps for tests, build, lint, then go test ./... with EASEL_BIN set"
	@echo "make lint       gofmt, go vet, $(TYPES) up to date, npm run check, desktop-file-validate"
	@echo "make types      regenerate $(TYPES) from the Go types (commit the result)"
	@echo "make bench      go test -bench . -benchmem ./..."
	@echo "make install    install for this user under XDG folders (~/.local/bin, ~/.local/share)"
	@echo "make uninstall  remove what make install installed"
	@echo "make frontend   npm ci when needed, npm run build"
	@echo "make bindings   regenerate frontend/wailsjs from the bound Go methods"
	@echo "make clean      remove build/bin and frontend/dist"
	@echo "make deps       install what building needs (scripts/deps.sh build)"

# ----------------------------------------------------------------------------- deps
# One deps step per make run, with the set the goal needs: scripts/deps.sh build, lint
# (build + desktop-file-utils), test (lint + Xvfb, ImageMagick, xdotool, Chromium) or
# frontend (node/npm check and npm ci only). Target-specific values pass down to
# prerequisites, so `make test` installs the test set once and build/lint reuse it.
DEPS_SET = build
frontend: DEPS_SET = frontend
lint: DEPS_SET = lint
test: DEPS_SET = test

deps:
	@$(DEPS) $(DEPS_SET)

# ----------------------------------------------------------------------------- build
frontend: deps
	cd frontend && npm run build

build: deps frontend
	CGO_ENABLED=1 go build -tags $(BUILD_TAGS) -trimpath -ldflags "-w -s" -o $(BIN) .

run: build
	./$(BIN) $(ARGS)

# Regenerates frontend/wailsjs (commit the result). Runs main() with -tags bindings,
# which writes the bindings and exits. Needs frontend/dist only to satisfy the embed.
bindings: deps
	@if [ ! -d frontend/dist ]; then mkdir -p frontend/dist && touch frontend/dist/.bindings-placeholder; fi
	go build -tags bindings$(if $(WEBKIT_TAG),$(comma)$(WEBKIT_TAG)) -o build/bin/easel-bindings .
	./build/bin/easel-bindings
	rm -f build/bin/easel-bindings

# The TypeScript types of what crosses between Go and the web UI, generated from the Go
# types cmd/tsgen/bridge.go lists (commit the result). Needs no deps: plain Go, no cgo.
types:
	go run ./cmd/tsgen -o $(TYPES)

# ----------------------------------------------------------------------------- checks
lint: deps frontend
	@echo "gofmt -l"
	@files=$$(find . -path ./.git -prune -o -path ./frontend/node_modules -prune -o -name '*.go' -print | xargs -r gofmt -l); \
	if [ -n "$$files" ]; then echo "gofmt: these files need 'gofmt -w':"; echo "$$files"; exit 1; fi
	go vet$(GO_TAGS) ./...
	@echo "$(TYPES) up to date"
	@tmp=$$(mktemp); trap 'rm -f "$$tmp"' EXIT; go run ./cmd/tsgen -o "$$tmp"; \
	if ! cmp -s "$$tmp" $(TYPES); then \
	    echo "$(TYPES) is stale: the Go types that cross to the UI changed. Run 'make types' and commit it."; \
	    diff -u $(TYPES) "$$tmp" | head -40; exit 1; fi
	cd frontend && npm run check
	desktop-file-validate build/linux/easel.desktop

test: deps build lint
	EASEL_BIN="$(CURDIR)/$(BIN)" go test -count=1 -race -timeout 30m$(GO_TAGS) ./...

bench: deps frontend
	go test$(GO_TAGS) -run '^$$' -bench . -benchmem ./...

# ----------------------------------------------------------------------------- install
# XDG locations for the current user; no root needed.
XDG_BIN  = $${XDG_BIN_HOME:-$$HOME/.local/bin}
XDG_DATA = $${XDG_DATA_HOME:-$$HOME/.local/share}
ICON_SIZES := 256x256 512x512
# Refresh the menu and icon caches when the tools are there, ignoring failures. The icon
# cache is only refreshed where one exists: creating one in a user's hicolor folder would
# hide icons that other programs add later without refreshing it.
REFRESH_CACHES = update-desktop-database -q "$$datadir/applications" 2>/dev/null || true; \
	if [ -f "$$datadir/icons/hicolor/icon-theme.cache" ]; then \
	    gtk-update-icon-cache -f -q -t "$$datadir/icons/hicolor" 2>/dev/null || true; fi

install: build
	@bindir="$(XDG_BIN)"; datadir="$(XDG_DATA)"; \
	install -D -m 755 $(BIN) "$$bindir/easel"; \
	echo "installed $$bindir/easel"; \
	exe="$$bindir/easel"; \
	case "$$exe" in *[!A-Za-z0-9._/+@-]*) exe="\"$$exe\"";; esac; \
	desktop="$$datadir/applications/easel.desktop"; \
	mkdir -p "$$datadir/applications"; \
	EXEC="$$exe" TRYEXEC="$$bindir/easel" awk \
	    '/^Exec=/ {print "Exec=" ENVIRON["EXEC"]; next} /^TryExec=/ {print "TryExec=" ENVIRON["TRYEXEC"]; next} {print}' \
	    build/linux/easel.desktop > "$$desktop.tmp"; \
	chmod 644 "$$desktop.tmp"; mv "$$desktop.tmp" "$$desktop"; \
	if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$$desktop"; fi; \
	echo "installed $$desktop"; \
	for s in $(ICON_SIZES); do \
	    install -D -m 644 build/linux/icons/$$s.png "$$datadir/icons/hicolor/$$s/apps/easel.png"; \
	    echo "installed $$datadir/icons/hicolor/$$s/apps/easel.png"; \
	done; \
	$(REFRESH_CACHES); \
	case ":$$PATH:" in *":$$bindir:"*) ;; *) echo "note: $$bindir is not on PATH; the menu entry uses the full path";; esac

uninstall:
	@bindir="$(XDG_BIN)"; datadir="$(XDG_DATA)"; \
	for f in "$$bindir/easel" "$$datadir/applications/easel.desktop" \
	         $(foreach s,$(ICON_SIZES),"$$datadir/icons/hicolor/$(s)/apps/easel.png"); do \
	    if [ -e "$$f" ]; then rm -f "$$f"; echo "removed $$f"; fi; \
	done; \
	$(REFRESH_CACHES)

clean:
	rm -rf build/bin frontend/dist
