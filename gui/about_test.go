package gui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"vivify/internal/update"
	"vivify/jobs"
	"vivify/keychain"
)

// The update check is off until the creator allows it; then it reads the
// latest release from the releases address (a stand-in here) at most once
// a day, says in the status line that a newer version is out, with a link,
// and never looks in practice mode.
func TestUpdateCheck(t *testing.T) {
	var asked atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Write([]byte(`{"tag_name":"v9.9.9","html_url":"https://example.com/vivify/releases/v9.9.9"}`))
	}))
	defer hs.Close()
	test.NewTempApp(t)
	open := func(practice bool) (*Window, uiQueue) {
		eng, err := jobs.Open(jobs.Options{Library: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(eng.Close)
		q := make(uiQueue, 1024)
		w := NewWindow(fyne.CurrentApp(), Deps{Engine: eng, RunOnUI: q.post, Keys: &keychain.Memory{}, Practice: practice, UpdateURL: hs.URL})
		w.Start()
		return w, q
	}
	w, q := open(false)
	q.until(t, 5*time.Second, "the welcome", func() bool { return strings.Contains(overlayText(w), "newer Vivify") })
	time.Sleep(200 * time.Millisecond)
	if asked.Load() != 0 {
		t.Fatal("the check ran before the creator allowed it")
	}
	prefs := fyne.CurrentApp().Preferences()
	if !prefs.Bool(prefUpdatesAsked) {
		t.Fatal("the welcome did not count as asking")
	}
	// Allowed in practice mode: still no look.
	prefs.SetBool(prefUpdates, true)
	open(true)
	time.Sleep(200 * time.Millisecond)
	if asked.Load() != 0 {
		t.Fatal("practice mode looked for updates")
	}
	w, q = open(false)
	q.until(t, 5*time.Second, "the update notice", func() bool { return w.UpdateNotice() != "" })
	if !strings.Contains(w.UpdateNotice(), "9.9.9") || w.updateLink.URL.String() != update.ReleasesPage+"tag/v9.9.9" {
		t.Fatalf("notice %q, link %v", w.UpdateNotice(), w.updateLink.URL)
	}
	open(false) // the same day: no second look
	time.Sleep(200 * time.Millisecond)
	if n := asked.Load(); n != 1 {
		t.Fatalf("looked %d times in a day", n)
	}
}

// About says the version, where the library is, and the licences.
func TestAboutBox(t *testing.T) {
	w, _, _ := practiceWindow(t)
	w.ShowAbout()
	text := overlayText(w)
	for _, want := range []string{"Vivify 0", w.deps.Engine.Library(), "Fyne", "Noto Sans", "go-keyring", "FFmpeg", "newer Vivify"} {
		if !strings.Contains(text, want) {
			t.Errorf("About does not say %q", want)
		}
	}
	for _, l := range licences {
		if data, err := licenceFiles.ReadFile("licences/" + l.file); err != nil || len(data) < 500 {
			t.Errorf("licence %s: %d bytes, %v", l.file, len(data), err)
		}
	}
}
