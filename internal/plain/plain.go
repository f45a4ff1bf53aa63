// Package plain makes text read from outside (a record on disk, a server's
// answer, a feed) safe to show and to act on: no control characters that
// would garble a line, no bidirectional overrides that would make a name
// read as another, valid UTF-8, and a bounded length. It also says whether
// a string is a plain token (an id) or a web address, the two shapes of
// outside text that become part of a path or a request.
package plain

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// bidi reports whether r changes the direction text is shown in: the
// embeddings, overrides and isolates, and the marks. A file name with
// U+202E in it can show "gpj.exe" as "exe.jpg".
func bidi(r rune) bool {
	switch {
	case r == '\u061c', r == '\u200e', r == '\u200f':
		return true
	case r >= '\u202a' && r <= '\u202e':
		return true
	case r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// shown reports whether r may stay in text that is shown: printable, or a
// space; line breaks and tabs only when lines is set.
func shown(r rune, lines bool) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case r == '\n' || r == '\t':
		return lines
	case unicode.IsControl(r), bidi(r):
		return false
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return lines
	}
	// The joiners stay: emoji sequences and Indic scripts need them.
	return unicode.IsPrint(r) || unicode.IsSpace(r) || r == '\u200c' || r == '\u200d'
}

// Line is s as one line of at most n characters (runes): control and
// direction characters dropped, line breaks become spaces, runs of spaces
// one, and "…" ends it when it was cut. n <= 0 means no bound.
func Line(s string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' || r == '\u2028' || r == '\u2029' {
			r = ' '
		}
		if !shown(r, false) {
			continue
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return clip(strings.TrimSpace(b.String()), n)
}

// Text is s as text of at most n characters that may have several lines:
// as Line, but line breaks (\n) and tabs are kept; \r is dropped.
func Text(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\r' {
			continue
		}
		if shown(r, true) {
			b.WriteRune(r)
		}
	}
	return clip(b.String(), n)
}

// Is reports whether s is already plain as Line(s, n) would make it: the
// check for a field that must be exactly as Vivify wrote it.
func Is(s string, n int) bool { return Line(s, n) == s }

func clip(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Token reports whether s is a plain token of 1 to n characters: ASCII
// letters, digits, '.', '_' and '-', not starting with '.'. A server's job
// id, a model id or a job's own id is one; it can go into a URL's path or
// a file name without escaping anything.
func Token(s string, n int) bool {
	if s == "" || len(s) > n || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// MaxURL bounds a web address read from outside.
const MaxURL = 4096

// WebURL reports whether s is an absolute http or https address with a
// host, of at most MaxURL bytes, with no spaces or control characters. With
// httpsOnly, http is refused.
func WebURL(s string, httpsOnly bool) bool {
	if s == "" || len(s) > MaxURL || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || bidi(r) }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" || u.User != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return !httpsOnly
	}
	return false
}
