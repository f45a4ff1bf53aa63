# Vivify. `make demo` and `make test` set up what they need on Debian/Ubuntu.
GO      ?= go
VERSION ?= 0.1.0
LDFLAGS := -X vivify/client.Version=$(VERSION)
FUZZ_N  ?= 20000x

.PHONY: all deps test-deps build demo demo-terminal sandbox test lint fuzz bench bench-window bench-start clean

all: build

deps:
	@bash scripts/install-deps.sh --build

test-deps:
	@bash scripts/install-deps.sh --test

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" ./...

# The app in practice mode: the built-in sandbox simulates the service, no
# key needed, nothing charged. Videos go to ./demo-library.
demo: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/vivify .
	bin/vivify --practice --library demo-library

# Practice mode without a window: one video from a sample picture, into
# ./demo-out.
demo-terminal:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/sandbox --demo demo-out --job-time 3s

# The sandbox on its own, for a client pointed at it with MODELSLAB_BASE_URL.
sandbox:
	$(GO) run ./cmd/sandbox

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# The whole suite: formatting, vet, every test with the race detector, and a
# bounded run of each fuzz test (bounded by count, not time, so a slow
# machine does not fail it). The tests run inside a D-Bus session with an
# unlocked gnome-keyring, so the keychain is tested against a real Secret
# Service; its keyring lives in a fresh folder, never the developer's. Then
# the real binary is started under Xvfb and its window looked for.
test: test-deps lint
	dbus-run-session -- sh -c 'export XDG_DATA_HOME=$$(mktemp -d); \
		echo -n vivify-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
		VIVIFY_SECRET_SERVICE=1 $(GO) test -race -count=1 -skip '\''^TestRealWindowUnderXvfb$$'\'' ./...'
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" env VIVIFY_WINDOW_TEST=1 \
		$(GO) test -count=1 -run TestRealWindowUnderXvfb -v .
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeResponse$$' -fuzztime $(FUZZ_N) ./client
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeGIF$$' -fuzztime $(FUZZ_N) ./preview

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeResponse$$' -fuzztime 2m ./client
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeGIF$$' -fuzztime 2m ./preview
	$(GO) test -run '^$$' -fuzz '^FuzzLZWDecode$$' -fuzztime 1m ./preview

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./...

# The player's CPU in a real window, under Xvfb: playing at 16 fps, paused,
# a bare animation and an empty window.
bench-window: test-deps
	$(GO) build -o bin/playbench ./cmd/playbench
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bin/playbench -seconds 10

# Start-up against a hello-world Fyne window, under Xvfb: time to the window
# and memory, with a library of 1,000 jobs.
bench-start: test-deps
	$(GO) build -o bin/vivify .
	$(GO) build -o bin/hellofyne ./cmd/hellofyne
	$(GO) build -o bin/startbench ./cmd/startbench
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bin/startbench -runs 5

clean:
	rm -rf bin dist demo-out demo-library
