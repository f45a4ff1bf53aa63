# Vivify. `make demo` and `make test` set up what they need on Debian/Ubuntu.
GO      ?= go
VERSION ?= 0.1.0
LDFLAGS := -X vivify/client.Version=$(VERSION)
FUZZ_N  ?= 20000x

.PHONY: all deps test-deps build demo sandbox test lint fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh --build

test-deps:
	@bash scripts/install-deps.sh --test

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" ./...

# Until the window lands, the demo is practice mode in the terminal: the
# sandbox makes one video from a sample picture into ./demo-out.
demo: deps
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/sandbox --demo demo-out --job-time 3s

# The sandbox on its own, for a client pointed at it with MODELSLAB_BASE_URL.
sandbox:
	$(GO) run ./cmd/sandbox

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

# The whole suite: formatting, vet, every test with the race detector, and a
# bounded run of each fuzz test (bounded by count, not time, so a slow
# machine does not fail it).
test: test-deps lint
	$(GO) test -race -count=1 ./...
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeResponse$$' -fuzztime $(FUZZ_N) ./client

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeResponse$$' -fuzztime 2m ./client

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./...

clean:
	rm -rf bin dist demo-out
