//go:build !windows && !darwin

package picker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"
)

const videosName = "Videos"

// pick tries the desktop portal, then zenity, then kdialog.
func pick(ctx context.Context, r Request, choice string) (string, error) {
	if choice == "" || choice == "portal" || choice == "system" {
		path, err := portal(ctx, r)
		if !errors.Is(err, ErrNone) || choice == "portal" {
			return path, err
		}
	}
	for _, tool := range []string{"zenity", "kdialog"} {
		if choice != "" && choice != "system" && choice != tool {
			continue
		}
		if bin, err := exec.LookPath(tool); err == nil {
			return runTool(ctx, bin, toolArgs(tool, r))
		}
	}
	return "", ErrNone
}

// The desktop portal's file chooser (org.freedesktop.portal.FileChooser):
// the chooser of the desktop the creator uses (GNOME's, KDE's, …), also
// from inside a Flatpak or Snap.
const (
	portalName   = "org.freedesktop.portal.Desktop"
	portalPath   = "/org/freedesktop/portal/desktop"
	portalFiles  = "org.freedesktop.portal.FileChooser"
	portalAnswer = "org.freedesktop.portal.Request"
)

// portalFilter is a filter as the portal takes it: a name and rules of
// (0, glob) or (1, MIME type).
type portalFilter struct {
	Name  string
	Rules []portalRule
}

type portalRule struct {
	Kind    uint32
	Pattern string
}

// portal asks the desktop portal, or returns ErrNone when the session has
// none (no session bus, or no portal on it).
func portal(ctx context.Context, r Request) (string, error) {
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return "", ErrNone
	}
	defer conn.Close()
	if !hasName(conn, portalName) {
		return "", ErrNone
	}
	// A portal whose desktop has no chooser (no backend for it) has no
	// FileChooser interface: its version says whether there is one.
	obj := conn.Object(portalName, portalPath)
	if _, err := obj.GetProperty(portalFiles + ".version"); err != nil {
		return "", ErrNone
	}
	var tok [8]byte
	rand.Read(tok[:])
	token := "vivify_" + hex.EncodeToString(tok[:])
	// The answer comes as a signal on the request's object, whose path is
	// known before the call: listen first, so it cannot be missed.
	sender := strings.ReplaceAll(strings.TrimPrefix(conn.Names()[0], ":"), ".", "_")
	expected := dbus.ObjectPath(portalPath + "/request/" + sender + "/" + token)
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)
	if err := conn.AddMatchSignal(dbus.WithMatchInterface(portalAnswer), dbus.WithMatchMember("Response")); err != nil {
		return "", fmt.Errorf("the file chooser could not be asked: %w", err)
	}

	opts := map[string]dbus.Variant{
		"handle_token": dbus.MakeVariant(token),
		"modal":        dbus.MakeVariant(true),
	}
	if len(r.Filters) > 0 {
		var filters []portalFilter
		for _, f := range r.Filters {
			pf := portalFilter{Name: f.Name}
			for _, m := range f.MIME {
				pf.Rules = append(pf.Rules, portalRule{1, m})
			}
			if len(f.MIME) == 0 {
				for _, p := range f.Patterns {
					pf.Rules = append(pf.Rules, portalRule{0, p})
				}
			}
			filters = append(filters, pf)
		}
		opts["filters"] = dbus.MakeVariant(filters)
		opts["current_filter"] = dbus.MakeVariant(filters[0])
	}
	if r.Folder != "" {
		opts["current_folder"] = dbus.MakeVariant(append([]byte(r.Folder), 0)) // a NUL-ended byte string
	}
	method := portalFiles + ".OpenFile"
	switch r.Kind {
	case Save:
		method = portalFiles + ".SaveFile"
		if r.Name != "" {
			opts["current_name"] = dbus.MakeVariant(r.Name)
		}
	case Folder:
		opts["directory"] = dbus.MakeVariant(true)
	}
	var handle dbus.ObjectPath
	if err := obj.CallWithContext(ctx, method, 0, "", r.Title, opts).Store(&handle); err != nil {
		var dErr dbus.Error
		if errors.As(err, &dErr) && (strings.HasSuffix(dErr.Name, ".UnknownMethod") ||
			strings.HasSuffix(dErr.Name, ".UnknownInterface") || strings.HasSuffix(dErr.Name, ".ServiceUnknown")) {
			return "", ErrNone // a portal without a file chooser
		}
		return "", fmt.Errorf("the file chooser could not be opened: %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			conn.Object(portalName, handle).Call(portalAnswer+".Close", 0)
			return "", ctx.Err()
		case s, ok := <-signals:
			if !ok {
				return "", errors.New("the file chooser went away")
			}
			if s.Name != portalAnswer+".Response" || (s.Path != handle && s.Path != expected) || len(s.Body) < 2 {
				continue
			}
			code, _ := s.Body[0].(uint32)
			if code != 0 {
				return "", nil // 1: cancelled; 2: closed some other way
			}
			results, _ := s.Body[1].(map[string]dbus.Variant)
			uris, _ := results["uris"].Value().([]string)
			if len(uris) == 0 {
				return "", nil
			}
			return fileFromURI(uris[0])
		}
	}
}

// hasName reports whether name is on the bus, or can be started on it.
func hasName(conn *dbus.Conn, name string) bool {
	var has bool
	if conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has) == nil && has {
		return true
	}
	var names []string
	if conn.BusObject().Call("org.freedesktop.DBus.ListActivatableNames", 0).Store(&names) != nil {
		return false
	}
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// fileFromURI is the path of a file:// link the chooser answered.
func fileFromURI(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return "", fmt.Errorf("the file chooser answered %q, which is not a file on this computer", uri)
	}
	return filepath.Clean(u.Path), nil
}

// toolArgs are the command-line arguments of zenity or kdialog for r.
func toolArgs(tool string, r Request) []string {
	start := r.Folder
	if start != "" {
		start += string(filepath.Separator)
	}
	if r.Kind == Save {
		start += r.Name
	}
	if tool == "zenity" {
		args := []string{"--file-selection", "--title=" + r.Title}
		switch r.Kind {
		case Save:
			args = append(args, "--save", "--confirm-overwrite")
		case Folder:
			args = append(args, "--directory")
		}
		if start != "" {
			args = append(args, "--filename="+start)
		}
		for _, f := range r.Filters {
			args = append(args, "--file-filter="+f.Name+" | "+strings.Join(f.Patterns, " "))
		}
		return args
	}
	filter := ""
	if len(r.Filters) > 0 {
		filter = strings.Join(r.patterns(), " ") + "|" + r.Filters[0].Name
	}
	switch r.Kind {
	case Save:
		return []string{"--title", r.Title, "--getsavefilename", start, filter}
	case Folder:
		return []string{"--title", r.Title, "--getexistingdirectory", start}
	}
	return []string{"--title", r.Title, "--getopenfilename", start, filter}
}

// runTool runs a chooser program: it prints the path chosen, and exits
// with 1 when cancelled.
func runTool(ctx context.Context, bin string, args []string) (string, error) {
	out, err := exec.CommandContext(ctx, bin, args...).Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return "", nil
	case err != nil:
		return "", fmt.Errorf("the file chooser (%s) failed: %w", filepath.Base(bin), err)
	}
	path := strings.TrimRight(string(out), "\r\n")
	if path == "" {
		return "", nil
	}
	if !filepath.IsAbs(path) {
		return "", fmt.Errorf("the file chooser (%s) answered %q, which is not a full path", filepath.Base(bin), path)
	}
	return filepath.Clean(path), nil
}
