# stresshm: `make demo` runs the main job end to end; `make test` runs the whole suite.
# Both install what is missing first (npm packages, the native addon, Debian packages).

NPM ?= npm
NODE ?= node

.PHONY: all deps system build test test-unit test-integration demo bench clean-build

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

test: system build test-unit test-integration

test-unit: build
	$(NODE) --test --test-concurrency=1 dist/test/unit/

test-integration: build
	$(NODE) --test --test-concurrency=1 --test-timeout=900000 dist/test/integration/

# make demo OCTAVIA=sid (or trixie, or a checkout path) runs another Octavia release
demo: system build
	$(NODE) bin/stresshm.js demo $(if $(OCTAVIA),--octavia $(OCTAVIA))

bench: build
	$(NODE) dist/bench/run-all.js

clean-build:
	rm -rf dist build
