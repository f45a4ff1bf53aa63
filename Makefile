# Vivify. `make demo` and `make test` set up what they need on Debian/Ubuntu.
GO      ?= go
VERSION ?= $(shell sed -n 's/^ *Version = "\(.*\)"$$/\1/p' FyneApp.toml)
LDFLAGS := -X vivify/client.Version=$(VERSION)
LINUX_PKG := dist/Vivify-$(VERSION)-linux-amd64.tar.xz
WINDOWS_EXE := dist/Vivify-$(VERSION)-windows-amd64.exe
DEB     := dist/vivify_$(VERSION)_amd64.deb
INSTALLER := dist/Vivify-$(VERSION)-windows-setup.exe
ACTIONLINT := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
FUZZ_N  ?= 10000x

# The suite and the packages build with -trimpath throughout, so the release
# programs reuse what vet and staticcheck compiled (Fyne's C code above all,
# minutes on a first build) rather than compiling it all again.
test lint package: export GOFLAGS += -trimpath

# cgo compiles C with clang when it is installed (install-deps.sh installs it),
# unless CC is set. To learn what each C name in a package is, cgo compiles a
# probe that makes an error for nearly every name; for each error gcc searches
# every name in scope for a "did you mean", and Fyne's OpenGL bindings have
# thousands of names. That search took gcc 11 minutes of one core for the
# Windows build of the bindings; clang stops suggesting after 50 errors, and
# built them in under a minute. CC is looked up when used, so a clang that
# test-deps has just installed counts.
ifeq ($(origin CC),default)
export CC = $(shell command -v clang >/dev/null 2>&1 && echo clang || echo cc)
endif

.PHONY: all deps test-deps package-deps build deb installer release-linux macos-app checksums demo demo-terminal sandbox test test-window-race lint package fuzz bench bench-window bench-compare bench-start bench-full full-size clean

all: build

deps:
	@bash scripts/install-deps.sh --build

test-deps:
	@bash scripts/install-deps.sh --test

package-deps:
	@bash scripts/install-deps.sh --package

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
	$(GO) run $(ACTIONLINT) .github/workflows/*.yml

# The whole suite, as CI runs it: formatting, vet and staticcheck; every test
# with the race detector; a bounded run of each fuzz test (bounded by count,
# not time, so a slow machine does not fail it); both packages, and checks of
# them. The tests run inside a D-Bus session with an unlocked gnome-keyring,
# so the keychain is tested against a real Secret Service; its keyring lives
# in a fresh folder, never the developer's. The program in the Linux package
# is started under Xvfb and makes a video.
#
# The Windows program builds in the background from the start, as a first
# build of it compiles Fyne for Windows from scratch, while the tests and the
# Linux package use the other core. Then it is run under Wine: it makes a
# practice video and is closed ten times.
test: test-deps
	@mkdir -p dist && rm -f dist/windows.status
	@echo "test: building the Windows program in the background (log: dist/windows.log)"
	@(VERSION=$(VERSION) bash scripts/package.sh windows >dist/windows.log 2>&1; echo $$? >dist/windows.status) &
	$(MAKE) lint
	dbus-run-session -- sh -c 'export XDG_DATA_HOME=$$(mktemp -d); \
		echo -n vivify-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
		VIVIFY_SECRET_SERVICE=1 $(GO) test -race -count=1 -skip '\''^Test(LinuxPackage|DebPackage|WindowsProgram|WindowsUnderWine|WindowsInstallerUnderWine)$$'\'' ./...'
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeResponse$$' -fuzztime $(FUZZ_N) ./client
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeGIF$$' -fuzztime $(FUZZ_N) ./preview
	$(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZ_N) ./internal/picture
	$(GO) test -run '^$$' -fuzz '^FuzzLoadJob$$' -fuzztime $(FUZZ_N) ./jobs
	$(GO) test -run '^$$' -fuzz '^FuzzStateFile$$' -fuzztime $(FUZZ_N) ./client/sandbox
	$(GO) test -run '^$$' -fuzz '^FuzzWindowState$$' -fuzztime $(FUZZ_N) ./gui
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZ_N) ./internal/update
	VIVIFY_MEMORY_CEILING=1 $(GO) test -count=1 -run 'MemoryCeiling' -v ./internal/picture ./preview
	$(GO) test -count=1 -run '^TestChatGIFOfAHard720pClip$$' -v ./finish
	VIVIFY_MEMORY_CEILING=1 $(GO) test -count=1 -timeout 20m -run '^TestFullSize1080pInBoundedMemory$$' -v ./finish
	VERSION=$(VERSION) bash scripts/package.sh linux
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" env VIVIFY_LINUX_PACKAGE=$(CURDIR)/$(LINUX_PKG) \
		$(GO) test -count=1 -run '^TestLinuxPackage$$' -v ./e2e
	VERSION=$(VERSION) bash scripts/deb.sh $(LINUX_PKG)
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" env VIVIFY_DEB=$(CURDIR)/$(DEB) \
		$(GO) test -count=1 -run '^TestDebPackage$$' -v ./e2e
	@echo "test: waiting for the Windows program"; while [ ! -f dist/windows.status ]; do sleep 5; done; \
		if [ "$$(cat dist/windows.status)" != 0 ]; then cat dist/windows.log; exit 1; fi
	VIVIFY_WINDOWS_EXE=$(CURDIR)/$(WINDOWS_EXE) $(GO) test -count=1 -run '^TestWindowsProgram$$' -v ./e2e
	xvfb-run -a -s "-screen 0 1280x800x24" env VIVIFY_WINDOWS_EXE=$(CURDIR)/$(WINDOWS_EXE) \
		$(GO) test -count=1 -timeout 15m -run '^TestWindowsUnderWine$$' -v ./e2e
	VERSION=$(VERSION) bash scripts/installer.sh $(WINDOWS_EXE)
	xvfb-run -a -s "-screen 0 1280x800x24" env VIVIFY_WINDOWS_INSTALLER=$(CURDIR)/$(INSTALLER) \
		$(GO) test -count=1 -timeout 15m -run '^TestWindowsInstallerUnderWine$$' -v ./e2e

# The app built with the race detector makes a video under Xvfb: no widget is
# touched off the UI goroutine (the evidence for fyneDo in FyneApp.toml).
test-window-race: test-deps
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" env VIVIFY_WINDOW_RACE=1 \
		$(GO) test -count=1 -run '^TestRaceBuiltWindow$$' -v ./e2e

# The Linux package and the Windows program, into dist/ (scripts/package.sh).
package: package-deps
	VERSION=$(VERSION) bash scripts/package.sh

# The Windows installer, with the ffmpeg Vivify carries (scripts/installer.sh).
installer: package-deps
	@[ -f $(WINDOWS_EXE) ] || VERSION=$(VERSION) bash scripts/package.sh windows
	VERSION=$(VERSION) bash scripts/installer.sh $(WINDOWS_EXE)

# What the release workflow builds on Linux: the tar.xz, the .deb, the
# Windows program and its installer (.github/workflows/release.yml).
release-linux: package-deps
	VERSION=$(VERSION) bash scripts/package.sh
	VERSION=$(VERSION) bash scripts/deb.sh $(LINUX_PKG)
	VERSION=$(VERSION) bash scripts/installer.sh $(WINDOWS_EXE)

# The macOS app, zipped, with ffmpeg inside; needs a Mac (scripts/macos.sh).
macos-app:
	VERSION=$(VERSION) bash scripts/macos.sh

# SHA256SUMS.txt of everything in dist/, for the release.
checksums:
	cd dist && rm -f SHA256SUMS.txt && sha256sum -- * > SHA256SUMS.txt && cat SHA256SUMS.txt

# The Debian package, from the Linux package's program (scripts/deb.sh).
deb: package-deps
	@[ -f $(LINUX_PKG) ] || VERSION=$(VERSION) bash scripts/package.sh linux
	VERSION=$(VERSION) bash scripts/deb.sh $(LINUX_PKG)

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeResponse$$' -fuzztime 2m ./client
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeGIF$$' -fuzztime 2m ./preview
	$(GO) test -run '^$$' -fuzz '^FuzzLZWDecode$$' -fuzztime 1m ./preview
	$(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime 1m ./internal/picture
	$(GO) test -run '^$$' -fuzz '^FuzzLoadJob$$' -fuzztime 1m ./jobs
	$(GO) test -run '^$$' -fuzz '^FuzzStateFile$$' -fuzztime 1m ./client/sandbox
	$(GO) test -run '^$$' -fuzz '^FuzzWindowState$$' -fuzztime 1m ./gui
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 1m ./internal/update

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./...

# Finish at full size beside ffmpeg's command line doing the same recipe on
# the same file: time and peak memory side by side (minutes each).
# Each in a process of its own: a child's peak memory is counted per process.
bench-full: test-deps
	for b in Full1080pBoomerangVertical Full1080pChatGIF Full720pSmoother30 Full720pDouble; do \
		VIVIFY_BENCH_FULL=1 $(GO) test -run '^$$' -bench "^Benchmark$$b$$" -benchtime 1x -timeout 60m ./finish || exit 1; done

# Every export preset and Finish operation on the largest video of every
# catalogue model, at full size (tens of minutes).
full-size: test-deps
	VIVIFY_FULL_SIZE=1 $(GO) test -count=1 -run '^TestEveryPresetAtFullSize$$' -timeout 90m -v ./finish

# The player's CPU in a real window, under Xvfb: playing at 16 fps, paused,
# a bare animation and an empty window.
bench-window: test-deps
	$(GO) build -o bin/playbench ./cmd/playbench
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bin/playbench -seconds 10

# Compare of four 720p, 5 s, 24 fps videos in a real window, against one
# player of the same video: CPU and the frames each tile keeps.
bench-compare: test-deps
	$(GO) build -o bin/comparebench ./cmd/comparebench
	dbus-run-session -- xvfb-run -a -s "-screen 0 1366x800x24" bin/comparebench -seconds 10

# Start-up against a hello-world Fyne window, under Xvfb: time to the window
# and memory, with a library of 1,000 jobs.
# Both programs are built as releases are (scripts/package.sh's tags): what
# a creator starts. Without migrated_fynedo, Fyne looks up the goroutine of
# every refresh through a stack trace, because only the fyne tool's builds
# carry FyneApp.toml's [Migrations].
START_TAGS := release,no_emoji,migrated_fynedo
bench-start: test-deps
	$(GO) build -tags $(START_TAGS) -o bin/vivify-release .
	$(GO) build -tags $(START_TAGS) -o bin/hellofyne ./cmd/hellofyne
	$(GO) build -o bin/startbench ./cmd/startbench
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bin/startbench -vivify bin/vivify-release -runs 11

clean:
	rm -rf bin dist demo-out demo-library
