package keychain

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// secretServiceEnv is set by `make test` when it runs these tests inside a
// D-Bus session with an unlocked gnome-keyring.
const secretServiceEnv = "VIVIFY_SECRET_SERVICE"

func realStore(t *testing.T) OS {
	t.Helper()
	if os.Getenv(secretServiceEnv) != "1" {
		if os.Getenv("CI") != "" {
			t.Fatal("in CI these tests run against gnome-keyring: run them through make test")
		}
		t.Skip("needs a Secret Service: make test runs this inside dbus-run-session with gnome-keyring")
	}
	// A service name of this test's own, so a developer's real key is never touched.
	return OS{Service: fmt.Sprintf("io.vivify.test.%d", time.Now().UnixNano()), Timeout: 10 * time.Second}
}

// The whole round trip against a real Secret Service.
func TestRealKeychain(t *testing.T) {
	k := realStore(t)
	defer k.Delete()
	if _, err := k.Get(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty keychain: %v", err)
	}
	const key = "sk-REAL-KEYCHAIN-TEST-1234567890"
	if err := k.Set(key); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get()
	if err != nil || got != key {
		t.Fatalf("got %q, %v", got, err)
	}
	// A second store with the same names sees it: it is in the keychain,
	// not in this value.
	if got, _ := (OS{Service: k.Service, Timeout: k.Timeout}).Get(); got != key {
		t.Fatalf("another reader got %q", got)
	}
	if err := k.Set("sk-REPLACED"); err != nil {
		t.Fatal(err)
	}
	if got, _ := k.Get(); got != "sk-REPLACED" {
		t.Fatalf("replaced: %q", got)
	}
	if err := k.Delete(); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := k.Delete(); err != nil {
		t.Fatalf("deleting nothing: %v", err)
	}
}

// Without a session bus the keychain is unavailable, said quickly and
// plainly, and the key is not in the message.
func TestNoSessionBusIsUnavailable(t *testing.T) {
	if os.Getenv("VIVIFY_NOBUS_CHILD") != "1" {
		// godbus keeps its first session connection for the life of the
		// process, so the check runs in a fresh one with no bus.
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoSessionBusIsUnavailable$", "-test.v")
		cmd.Env = append(os.Environ(), "VIVIFY_NOBUS_CHILD=1",
			"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/vivify-test-bus", "XDG_RUNTIME_DIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestNoSessionBusIsUnavailable") {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	k := OS{Service: "io.vivify.test.nobus", Timeout: 3 * time.Second}
	const key = "sk-NO-BUS-SECRET-42"
	for name, call := range map[string]func() error{
		"get":    func() error { _, err := k.Get(); return err },
		"set":    func() error { return k.Set(key) },
		"delete": func() error { return k.Delete() },
	} {
		start := time.Now()
		err := call()
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%s took %v", name, d)
		}
		if strings.Contains(err.Error(), key) {
			t.Errorf("%s: the key is in %q", name, err)
		}
	}
}

// A keychain that never answers is cut off at the timeout.
func TestTimeout(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	start := time.Now()
	_, err := call(100*time.Millisecond, "", func() (string, error) { <-block; return "", nil })
	if !errors.Is(err, ErrUnavailable) || time.Since(start) > time.Second {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
	if !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("%q does not say what happened", err)
	}
}

func TestErrorsNeverHoldTheKey(t *testing.T) {
	const key = "sk-ECHOED-BY-A-BROKEN-KEYCHAIN"
	_, err := call(time.Second, key, func() (int, error) { return 0, errors.New("cannot store " + key + " today") })
	if !errors.Is(err, ErrUnavailable) || strings.Contains(err.Error(), key) {
		t.Fatalf("%v", err)
	}
}

func TestMemory(t *testing.T) {
	var m Memory
	if _, err := m.Get(); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if err := m.Set("  "); err == nil {
		t.Fatal("an empty key was kept")
	}
	m.Set("sk-1")
	if k, _ := m.Get(); k != "sk-1" {
		t.Fatal(k)
	}
	m.Delete()
	if _, err := m.Get(); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	var _ Store = &m
	var _ Store = OS{}
}
