# certiron-site: build, preview, test and benchmark the CERTIRON site.
GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BIN         := bin/certiron-site

.PHONY: build serve check test lint fmt bench clean binary

# Build the site into public/.
build:
	$(GO) run ./cmd/certiron-site build

# Serve the site on http://127.0.0.1:1313 with live reload.
serve:
	$(GO) run ./cmd/certiron-site serve

# Build in memory and run every audit; writes nothing.
check:
	$(GO) run ./cmd/certiron-site check

# Everything CI runs: formatting, vet, staticcheck, and all tests with -race.
test: lint
	$(GO) test -race -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Benchmarks: the hot paths, then the whole-site bench command.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...
	$(GO) run ./cmd/certiron-bench

# A binary with its VCS revision stamped in, for `certiron-site version`.
binary:
	$(GO) build -buildvcs=true -o $(BIN) ./cmd/certiron-site

clean:
	rm -rf public bin .public.tmp-*
