package plain

import (
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"beach", "beach"},
		{"  two\n lines\r\n", "two lines"},
		{"gpj\u202e.exe", "gpj.exe"},
		{"a\x00b\x1bc\x7fd", "abcd"},
		{"iso\u2066late\u2069d", "isolated"},
		{"bad \xff utf8", "bad utf8"},
		{"日本語のテキスト", "日本語のテキスト"},
		{"नमस्ते", "नमस्ते"},
	} {
		if got := Line(c.in, 0); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Line(strings.Repeat("x", 50), 10); got != "xxxxxxxxx…" || len([]rune(got)) != 10 {
		t.Errorf("clipped: %q", got)
	}
	if Is("a\u202eb", 10) || !Is("plain words", 20) || Is(strings.Repeat("y", 21), 20) {
		t.Error("Is")
	}
}

func TestText(t *testing.T) {
	if got := Text("one\r\ntwo\tthree\u202e\x07", 0); got != "one\ntwo\tthree" {
		t.Errorf("Text = %q", got)
	}
}

func TestToken(t *testing.T) {
	for s, want := range map[string]bool{
		"146": true, "kling-v2-1-i2v": true, "wan2.2": true, "a_b": true,
		"": false, ".hidden": false, "../x": false, "a/b": false, "a b": false, "é": false,
		strings.Repeat("1", 65): false,
	} {
		if Token(s, 64) != want {
			t.Errorf("Token(%q) = %v", s, !want)
		}
	}
}

func TestWebURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://pub.example.com/a.mp4":                true,
		"http://127.0.0.1:4000/files/a":                true,
		"ftp://x/a":                                    false,
		"file:///etc/passwd":                           false,
		"https://":                                     false,
		"/relative":                                    false,
		"https://a.com/with space":                     false,
		"https://user:pw@a.com/":                       false,
		"https://a.com/\u202egpj.exe":                  false,
		"https://a.com/" + strings.Repeat("a", MaxURL): false,
	} {
		if WebURL(s, false) != want {
			t.Errorf("WebURL(%q) = %v", s, !want)
		}
	}
	if WebURL("http://a.com/x", true) {
		t.Error("http accepted with httpsOnly")
	}
}
