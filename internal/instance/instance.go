// Package instance lets a second start of Vivify on a library that is
// already open hand its picture to the copy that has it, which comes to the
// front, as a desktop app does when it is opened twice, rather than open a
// second window on the same jobs.
//
// The running copy listens on the loopback and writes where, with a random
// token, into a file in the library that only its user can read. A later
// start reads the file and sends the token and its picture. The token keeps
// other programs on the computer from handing pictures in.
package instance

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vivify/internal/atomicfile"
	"vivify/internal/picture"
	"vivify/internal/plain"
)

// File is where in the library the running copy says how to reach it.
const File = ".vivify-instance"

// maxMessage bounds what a start may send: a token and a file path.
const maxMessage = 64 << 10

type address struct {
	Port  int    `json:"port"`
	Token string `json:"token"`
}

type message struct {
	Token   string `json:"token"`
	Picture string `json:"picture,omitempty"`
}

// Serve listens for later starts on the library dir and calls open, on its
// own goroutine, with each one's picture ("" when it had none). open says
// whether the window came forward: only then is the later start told so,
// and ends; a copy whose window is gone (stuck in closing) does not swallow
// it. stop ends the listening and removes the file.
func Serve(dir string, open func(picture string) bool) (stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return serveOn(l, dir, open)
}

func serveOn(l net.Listener, dir string, open func(picture string) bool) (stop func(), err error) {
	token := make([]byte, 16)
	rand.Read(token)
	addr := address{Token: hex.EncodeToString(token)}
	addr.Port = l.Addr().(*net.TCPAddr).Port
	data, _ := json.Marshal(addr)
	path := filepath.Join(dir, File)
	// Not synced: the file matters only while this process runs, and
	// waiting for the disk would hold up the window's start.
	if err := atomicfile.WriteUnsynced(path, data, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	go func() {
		pause := 5 * time.Millisecond
		for {
			c, err := l.Accept()
			if errors.Is(err, net.ErrClosed) {
				return // stopped
			}
			if err != nil {
				// Too many open files, or the like: it passes. Wait a
				// little, longer each time, and listen on.
				time.Sleep(pause)
				pause = min(2*pause, time.Second)
				continue
			}
			pause = 5 * time.Millisecond
			go serve(c, addr.Token, open)
		}
	}()
	return func() {
		l.Close()
		// Remove the file only while it is still this copy's.
		if now, err := picture.ReadOwnFile(path, maxAddressFile); err == nil && string(now) == string(data) {
			os.Remove(path)
		}
	}, nil
}

// maxAddressFile bounds the hand-off file: a port and a token.
const maxAddressFile = 4096

func serve(c net.Conn, token string, open func(string) bool) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(io.LimitReader(c, maxMessage)).ReadString('\n')
	if err != nil {
		return
	}
	var m message
	if json.Unmarshal([]byte(line), &m) != nil || subtle.ConstantTimeCompare([]byte(m.Token), []byte(token)) != 1 {
		return
	}
	if open(m.Picture) {
		io.WriteString(c, "ok\n")
	}
}

// Hand gives picture ("" for none) to the copy running on the library dir,
// waiting up to wait for it: a copy that has just started may not listen
// yet. An error says no copy took it.
func Hand(dir, picture string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		err := hand(dir, picture)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func hand(dir, pic string) error {
	// The gate for the hand-off file: a regular file of its own (a pipe
	// would hold this start for ever), small, with a port and a token.
	data, err := picture.ReadOwnFile(filepath.Join(dir, File), maxAddressFile)
	if err != nil {
		return err
	}
	var addr address
	if err := json.Unmarshal(data, &addr); err != nil || addr.Port <= 0 || addr.Port > 65535 || !plain.Token(addr.Token, 128) {
		return fmt.Errorf("%s is damaged", File)
	}
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", addr.Port), 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	out, _ := json.Marshal(message{Token: addr.Token, Picture: pic})
	if _, err := c.Write(append(out, '\n')); err != nil {
		return err
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || strings.TrimSpace(reply) != "ok" {
		return errors.New("the running copy did not answer")
	}
	return nil
}
