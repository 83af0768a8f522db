# stresshm: `make demo` runs the main job end to end; `make test` runs the whole suite.
# Both install what is missing first (npm packages, the native addon, Debian packages).

NPM ?= npm
NODE ?= node

.PHONY: all deps system build path lint test test-unit test-integration demo bench clean-build

all: build

node_modules/.installed: package.json
	$(NPM) install --no-audit --no-fund
	touch $@

build/Release/stresshm_native.node: native/*.cc native/*.h binding.gyp node_modules/.installed
	npx node-gyp rebuild

system:
	WITH_CHROMIUM=1 ./scripts/ensure-system.sh

deps: node_modules/.installed build/Release/stresshm_native.node

build: deps
	npx tsc -p tsconfig.json

# puts this checkout's `stresshm` on PATH (as root; otherwise says how), so the README's commands work as written
path: build
	@if command -v stresshm >/dev/null 2>&1 && [ "$$(readlink -f "$$(command -v stresshm)")" = "$(CURDIR)/bin/stresshm.js" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then ln -sfn "$(CURDIR)/bin/stresshm.js" /usr/local/bin/stresshm && echo "stresshm: linked /usr/local/bin/stresshm"; \
	else echo "stresshm: to have stresshm on PATH, run: sudo ln -sfn $(CURDIR)/bin/stresshm.js /usr/local/bin/stresshm"; fi

lint: deps
	$(NPM) run lint

test: system build path lint test-unit test-integration

test-unit: build
	$(NODE) --test --test-concurrency=1 dist/test/unit/

test-integration: build
	$(NODE) --test --test-concurrency=1 --test-timeout=900000 dist/test/integration/

# make demo OCTAVIA=sid (or trixie, or a checkout path) runs another Octavia release
demo: system build path
	$(NODE) bin/stresshm.js demo $(if $(OCTAVIA),--octavia $(OCTAVIA))

bench: build
	$(NODE) dist/bench/run-all.js

clean-build:
	rm -rf dist build
