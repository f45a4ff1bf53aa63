//go:build linux

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// A window is mapped before anything is drawn in it, and an app may map
// its window before its content is made. drawn watches the window's pixels
// through the X protocol itself (GetImage on the display's socket, no
// library) and reports when the first thing other than the background is
// drawn: the hello world's label, Vivify's panels.

// xconn is a connection to the X server of $DISPLAY.
type xconn struct{ c net.Conn }

func dialX() (*xconn, error) {
	d := os.Getenv("DISPLAY")
	i := strings.LastIndexByte(d, ':')
	if i < 0 || (i > 0 && d[:i] != "unix") {
		return nil, fmt.Errorf("DISPLAY %q is not a local display", d)
	}
	n, _, _ := strings.Cut(d[i+1:], ".")
	c, err := net.Dial("unix", "/tmp/.X11-unix/X"+n)
	if err != nil {
		return nil, err
	}
	// Setup: little-endian, protocol 11.0, with the display's cookie when
	// $XAUTHORITY holds one (xvfb-run makes one).
	setup := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if cookie := xauthCookie(os.Getenv("XAUTHORITY"), n); cookie != nil {
		const name = "MIT-MAGIC-COOKIE-1"
		binary.LittleEndian.PutUint16(setup[6:], uint16(len(name)))
		binary.LittleEndian.PutUint16(setup[8:], uint16(len(cookie)))
		setup = append(setup, pad4(name)...)
		setup = append(setup, pad4(string(cookie))...)
	}
	if _, err := c.Write(setup); err != nil {
		c.Close()
		return nil, err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(c, head); err != nil {
		c.Close()
		return nil, err
	}
	rest := make([]byte, 4*int(binary.LittleEndian.Uint16(head[6:])))
	if _, err := io.ReadFull(c, rest); err != nil {
		c.Close()
		return nil, err
	}
	if head[0] != 1 {
		c.Close()
		return nil, errors.New("the X server refused the connection")
	}
	return &xconn{c}, nil
}

// pad4 is s padded with zeros to a multiple of four bytes.
func pad4(s string) []byte {
	return append([]byte(s), make([]byte, (4-len(s)%4)%4)...)
}

// xauthCookie is the MIT-MAGIC-COOKIE-1 for display number n in the
// Xauthority file at path, or nil. Each entry is family (2 bytes) and
// four counted strings: address, display number, name, data.
func xauthCookie(path, n string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	field := func() (string, bool) {
		if len(data) < 2 {
			return "", false
		}
		l := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+l {
			return "", false
		}
		f := string(data[2 : 2+l])
		data = data[2+l:]
		return f, true
	}
	for len(data) >= 2 {
		data = data[2:] // family: local or the host's name, both this machine
		_, ok1 := field()
		num, ok2 := field()
		name, ok3 := field()
		cookie, ok4 := field()
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil
		}
		if (num == n || num == "") && name == "MIT-MAGIC-COOKIE-1" {
			return []byte(cookie)
		}
	}
	return nil
}

// reply reads one reply, passing over events; an error is returned as one.
func (x *xconn) reply() ([]byte, error) {
	for {
		head := make([]byte, 32)
		if _, err := io.ReadFull(x.c, head); err != nil {
			return nil, err
		}
		switch head[0] {
		case 0:
			return nil, fmt.Errorf("X error %d", head[1])
		case 1:
			more := make([]byte, 4*int(binary.LittleEndian.Uint32(head[4:])))
			if _, err := io.ReadFull(x.c, more); err != nil {
				return nil, err
			}
			return append(head, more...), nil
		}
	}
}

// size is the window's size (GetGeometry).
func (x *xconn) size(win uint32) (w, h uint16, err error) {
	req := make([]byte, 8)
	req[0] = 14
	binary.LittleEndian.PutUint16(req[2:], 2)
	binary.LittleEndian.PutUint32(req[4:], win)
	if _, err := x.c.Write(req); err != nil {
		return 0, 0, err
	}
	r, err := x.reply()
	if err != nil {
		return 0, 0, err
	}
	return binary.LittleEndian.Uint16(r[16:]), binary.LittleEndian.Uint16(r[18:]), nil
}

// painted reports whether the window holds anything but one colour
// (GetImage, ZPixmap, 32 bits a pixel on a 24-bit display).
func (x *xconn) painted(win uint32, w, h uint16) (bool, error) {
	req := make([]byte, 20)
	req[0], req[1] = 73, 2
	binary.LittleEndian.PutUint16(req[2:], 5)
	binary.LittleEndian.PutUint32(req[4:], win)
	binary.LittleEndian.PutUint16(req[12:], w)
	binary.LittleEndian.PutUint16(req[14:], h)
	binary.LittleEndian.PutUint32(req[16:], 0xffffffff)
	if _, err := x.c.Write(req); err != nil {
		return false, err
	}
	r, err := x.reply()
	if err != nil {
		return false, err
	}
	px := r[32:]
	if len(px) < 4 {
		return false, nil
	}
	first := binary.LittleEndian.Uint32(px) & 0xffffff
	for i := 4; i+4 <= len(px); i += 4 {
		if binary.LittleEndian.Uint32(px[i:])&0xffffff != first {
			return true, nil
		}
	}
	return false, nil
}

// drawn polls the window until something is drawn in it, and returns when
// it was first seen, or the zero time if not within limit.
func drawn(win uint32, limit time.Duration) (time.Time, error) {
	x, err := dialX()
	if err != nil {
		return time.Time{}, err
	}
	defer x.c.Close()
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		w, h, err := x.size(win)
		if err == nil && w > 1 && h > 1 {
			ok, err := x.painted(win, w, h)
			if err == nil && ok {
				return time.Now(), nil
			}
		}
		time.Sleep(4 * time.Millisecond)
	}
	return time.Time{}, nil
}
