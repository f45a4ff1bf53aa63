// Package keychain keeps the ModelsLab API key in the operating system's
// keychain (macOS Keychain, Windows Credential Manager, the Secret Service
// on Linux) through go-keyring, behind a small interface.
//
// Every call runs off the caller's goroutine with a timeout: without a
// session bus, or with a keyring waiting for an unlock prompt nobody
// answers, go-keyring can block forever. A keychain that does not answer,
// or answers with anything but "not found", is ErrUnavailable, so the app
// can say so and offer to keep the key for this session only (Memory).
// The key never appears in an error.
package keychain

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Store holds one secret: the API key.
type Store interface {
	// Get returns the key; ErrNotFound when none is kept.
	Get() (string, error)
	// Set keeps the key, replacing any other.
	Set(key string) error
	// Delete forgets the key; deleting a missing key is not an error.
	Delete() error
}

var (
	// ErrNotFound: no key is kept.
	ErrNotFound = errors.New("no API key is kept in the keychain")
	// ErrUnavailable: the system keychain cannot be used.
	ErrUnavailable = errors.New("the system keychain is not available")
)

// Names under which Vivify keeps its key.
const (
	Service = "io.vivify.app"
	User    = "modelslab-api-key"
)

// DefaultTimeout bounds each keychain call.
const DefaultTimeout = 5 * time.Second

// OS is the system keychain.
type OS struct {
	Service string        // "" is Service
	User    string        // "" is User
	Timeout time.Duration // 0 is DefaultTimeout
}

func (k OS) names() (string, string, time.Duration) {
	s, u, t := k.Service, k.User, k.Timeout
	if s == "" {
		s = Service
	}
	if u == "" {
		u = User
	}
	if t <= 0 {
		t = DefaultTimeout
	}
	return s, u, t
}

// call runs f with the timeout. A call that times out is left to finish on
// its own: go-keyring cannot be interrupted.
func call[T any](timeout time.Duration, secret string, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		if r.err == nil {
			return r.v, nil
		}
		if errors.Is(r.err, keyring.ErrNotFound) {
			return r.v, ErrNotFound
		}
		return r.v, fmt.Errorf("%w: %s", ErrUnavailable, scrub(r.err.Error(), secret))
	case <-time.After(timeout):
		var zero T
		return zero, fmt.Errorf("%w: it did not answer within %s (is it locked, or is no keyring service running?)", ErrUnavailable, timeout)
	}
}

// scrub removes the secret from a message, should a keychain ever repeat it.
func scrub(msg, secret string) string {
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "[key removed]")
}

func (k OS) Get() (string, error) {
	s, u, t := k.names()
	return call(t, "", func() (string, error) { return keyring.Get(s, u) })
}

func (k OS) Set(key string) error {
	if strings.TrimSpace(key) == "" {
		return errors.New("the key is empty")
	}
	s, u, t := k.names()
	_, err := call(t, key, func() (struct{}, error) { return struct{}{}, keyring.Set(s, u, key) })
	return err
}

func (k OS) Delete() error {
	s, u, t := k.names()
	_, err := call(t, "", func() (struct{}, error) { return struct{}{}, keyring.Delete(s, u) })
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// Memory keeps the key in memory only: for this session, when the system
// keychain is unavailable, and as a double in tests.
type Memory struct {
	mu  sync.Mutex
	key string
}

func (m *Memory) Get() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key == "" {
		return "", ErrNotFound
	}
	return m.key, nil
}

func (m *Memory) Set(key string) error {
	if strings.TrimSpace(key) == "" {
		return errors.New("the key is empty")
	}
	m.mu.Lock()
	m.key = key
	m.mu.Unlock()
	return nil
}

func (m *Memory) Delete() error {
	m.mu.Lock()
	m.key = ""
	m.mu.Unlock()
	return nil
}
