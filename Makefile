# certiron-site: build, preview, test and benchmark the CERTIRON site.
GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BIN         := bin/certiron-site

.PHONY: build serve check test lint fmt bench clean binary pgo

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

# Benchmarks: the hot paths, then the whole-site bench command against
# Hugo 0.165, built once into GOPATH/bin when it is not there (about 5
# minutes on 2 cores). BENCH_FLAGS=-smoke for a quick check that it all works.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...
	@hugo="$$($(GO) env GOPATH | cut -d: -f1)/bin/hugo"; \
	if ! "$$hugo" version 2>/dev/null | grep -q 'v0\.165\.'; then \
		echo "building Hugo v0.165.0 into $$hugo (about 5 minutes on 2 cores)"; \
		$(GO) install github.com/gohugoio/hugo@v0.165.0 || exit 1; \
	fi
	$(GO) run ./cmd/certiron-bench $(BENCH_FLAGS)

# The profile the command is compiled with (profile-guided optimization):
# our builds of the 1,000- and 10,000-page corpora, clean and into their
# existing output. Write it again after a change to the hot paths.
pgo:
	$(GO) run ./cmd/certiron-bench -pgo cmd/certiron-site/default.pgo

# A binary with its VCS revision stamped in, for `certiron-site version`.
binary:
	$(GO) build -buildvcs=true -o $(BIN) ./cmd/certiron-site

clean:
	rm -rf public bin .public.tmp-*
