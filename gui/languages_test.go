package gui

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/jobs"
)

// The window in every language Vivify speaks besides English (fit_test.go
// has English): every panel is built in a 1024×640 window (the main window
// with a video, Settings and every dialog, Finish with its widest choices,
// a set of takes and Compare), none asks for more room than that, no
// button, choice or one-line label is drawn narrower than its words, and
// every text the window asked for was in the bundles. (Only German and
// Japanese were checked once; Hindi's Finish asked for 1,122 points, and
// French's list of models for 1,105.)
func TestWindowInEveryLanguage(t *testing.T) {
	for _, l := range Languages[1:] { // English first
		tag := l.Tag
		t.Run(tag, func(t *testing.T) {
			useLanguage(tag)
			defer useLanguage("en")
			forgetMissedWords()
			w, q, _ := finishedJob(t)
			// Measured in the look Vivify ships, not the test app's (opening
			// Settings once set it, and every check after that ran in it).
			fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
			w.Fyne().Resize(smallest)
			if want := wordsIn("Generate   %s", tag); !strings.HasPrefix(w.gen.Text, strings.Fields(want)[0]) {
				t.Fatalf("Generate reads %q, not in %s", w.gen.Text, tag)
			}
			fitsWhole(t, w, "the window with a video")

			open := map[string]func(){
				"Settings":          w.ShowSettings,
				"About":             w.ShowAbout,
				"the library":       w.ShowProblems,
				"an error":          func() { w.deps.dialogs.ShowError(errTest, w.win) },
				"the welcome":       w.welcome,
				"a preset":          w.presets.askName,
				"Delete":            func() { w.details.Do(T("Delete")) },
				"Try with":          func() { w.takes.chooseModels() },
				"the price":         func() { w.takes.confirm(make([]jobs.Spec, 4), func() {}) },
				"Remove the others": func() { w.removeOthers("no-such-set") },
			}
			for what, show := range open {
				show()
				q.until(t, 5*time.Second, what, func() bool { return w.Fyne().Canvas().Overlays().Top() != nil })
				fitsTheWindow(t, w, what)
				noneCut(t, w.Fyne().Canvas().Overlays().Top(), what)
				for w.deps.dialogs.Escape() {
				}
				for w.Fyne().Canvas().Overlays().Top() != nil {
					w.Fyne().Canvas().Overlays().Remove(w.Fyne().Canvas().Overlays().Top())
				}
			}

			d := w.Details()
			q.until(t, 10*time.Second, "the video in the player", func() bool { return d.base != nil })
			if !d.Do(T("Finish…")) {
				t.Fatal("no Finish… among the video's actions")
			}
			q.drain()
			finishChoicesInView(t, w)
			d.finish.loop.SetSelected(T(loopCrossfade))
			d.finish.bigger.SetChecked(true)
			d.finish.preset.SetSelectedIndex(len(d.finish.presets) - 1)
			q.drain()
			fitsWhole(t, w, "Finish")
			d.closeFinish()

			// A set of three takes, and Compare.
			w.takes.count.SetSelected(Tn("%d takes", 3, 3))
			fyne.CurrentApp().Preferences().SetFloat(PrefAskAbove, 0)
			w.Generate()
			q.until(t, 60*time.Second, "the takes", func() bool {
				done := 0
				for _, j := range w.deps.Engine.Jobs() {
					if j.Set != "" && j.State == jobs.Done {
						done++
					}
				}
				return done == 3
			})
			q.drain()
			fitsWhole(t, w, "the gallery with a set")
			var set string
			for _, j := range w.deps.Engine.Jobs() {
				if j.Set != "" {
					set = j.Set
				}
			}
			w.compareSet(set)
			q.until(t, 20*time.Second, "the videos in Compare", func() bool { return w.Comparing() != nil && w.Comparing().clock.playing })
			fitsWhole(t, w, "Compare")
			w.closeCompare()

			if m := missedWords(); len(m) > 0 {
				t.Errorf("texts the window asked for that no bundle has:\n%s", strings.Join(m, "\n"))
			}
		})
	}
}

// fitsWhole fails t when the window's content asks for more than the
// smallest window, or cuts a control short in it.
func fitsWhole(t *testing.T, w *Window, what string) {
	t.Helper()
	w.Fyne().Resize(smallest)
	w.Fyne().Content().Refresh()
	min := w.Fyne().Content().MinSize()
	t.Logf("%s asks for %v", what, min)
	if min.Width > smallest.Width || min.Height > smallest.Height {
		t.Errorf("%s asks for %v: more than %v", what, min, smallest)
	}
	noneCut(t, w.Fyne().Content(), what)
}

// noneCut fails t for every button, choice, check and one-line label under
// root that is shown narrower than its words need.
func noneCut(t *testing.T, root fyne.CanvasObject, what string) {
	t.Helper()
	var cut []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		size, min := o.Size(), o.MinSize()
		narrow := size.Width > 0 && size.Width+0.5 < min.Width
		switch x := o.(type) {
		case *widget.Button:
			if narrow {
				cut = append(cut, fmt.Sprintf("button %q: %v of %v", x.Text, size.Width, min.Width))
			}
			return
		case *widget.Select:
			if narrow {
				cut = append(cut, fmt.Sprintf("choice %q: %v of %v", x.Selected, size.Width, min.Width))
			}
			return
		case *widget.Check:
			if narrow {
				cut = append(cut, fmt.Sprintf("check %q: %v of %v", x.Text, size.Width, min.Width))
			}
			return
		case *widget.RadioGroup:
			if narrow {
				cut = append(cut, fmt.Sprintf("choices %q: %v of %v", x.Options, size.Width, min.Width))
			}
			return
		case *widget.Label:
			if narrow && x.Wrapping == fyne.TextWrapOff && x.Truncation == fyne.TextTruncateOff {
				cut = append(cut, fmt.Sprintf("label %q: %v of %v", x.Text, size.Width, min.Width))
			}
			return
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
			return
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(root)
	if len(cut) > 0 {
		t.Errorf("%s cuts %d controls short:\n%s", what, len(cut), strings.Join(cut, "\n"))
	}
}

// forgetMissedWords starts the record of missed texts afresh.
func forgetMissedWords() {
	words.Lock()
	defer words.Unlock()
	words.missed = map[string]bool{}
}

// fyneKeys are the words of Fyne's own (its base.en.json, but the days of
// the week, which Vivify never shows).
var fyneKeys = []string{"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename", "Error",
	"Favourites", "File", "Folder", "New Folder", "No", "OK", "Open", "Paste", "Quit", "Redo", "Save", "Select all",
	"Show Hidden Files", "Undo", "Yes", "file.name"}

// Fyne's own words (a dialog's OK, a text field's menu) are in every
// language Vivify speaks: Fyne carries most; fynewords has the others. On
// Linux, the language chosen in Settings is the one they follow.
func TestFynesOwnWordsInEveryLanguage(t *testing.T) {
	fyneCarries := map[string]bool{"en": true, "de": true, "es": true, "fr": true, "ja": true, "pt-BR": true, "zh-Hans": true}
	for _, l := range Languages {
		if fyneCarries[l.Tag] {
			continue
		}
		data, err := fyneWordsFS.ReadFile("fynewords/" + l.Tag + ".json")
		if err != nil {
			t.Errorf("%s: Fyne does not carry it, and fynewords has no %s.json", l.Tag, l.Tag)
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", l.Tag, err)
		}
		for _, k := range fyneKeys {
			if m[k] == nil {
				t.Errorf("fynewords/%s.json lacks %q", l.Tag, k)
			}
		}
	}
	if runtime.GOOS != "linux" {
		return
	}
	// Registered before Setenv, run after it puts LANGUAGE back: Fyne looks
	// at the locale again when given its bundles.
	t.Cleanup(func() { useLanguage("en"); lang.AddTranslationsFS(fyneWordsFS, "fynewords") })
	t.Setenv("LANGUAGE", "")
	applyLanguage("hi")
	if got := lang.L("Select all"); got != "सब चुनें" {
		t.Errorf("Fyne's Select all in Hindi: %q", got)
	}
	applyLanguage("de")
	if got := lang.L("Select all"); got != "Alle auswählen" {
		t.Errorf("Fyne's Select all in German: %q", got)
	}
}

// Settings lists the languages, each in its own name, the system's first;
// a choice is remembered, and said (in the language chosen) to take
// effect at the next start, which then speaks it.
func TestSettingsChoosesTheLanguage(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { useLanguage("en"); lang.AddTranslationsFS(fyneWordsFS, "fynewords") })
	t.Setenv("LANGUAGE", "") // applyLanguage sets it, for Fyne's own words
	useLanguage("en")
	app := fyne.CurrentApp()
	box := languageChoice(app).(*fyne.Container)
	var sel *widget.Select
	var note *widget.Label
	for _, o := range box.Objects {
		switch x := o.(type) {
		case *widget.Select:
			sel = x
		case *widget.Label:
			if x.Wrapping == fyne.TextWrapWord {
				note = x
			}
		}
	}
	if sel == nil || note == nil {
		t.Fatal("no choice of language in Settings")
	}
	if len(sel.Options) != len(Languages)+1 || !strings.HasPrefix(sel.Options[0], "As the system: ") ||
		!slices.Contains(sel.Options, "Deutsch") || !slices.Contains(sel.Options, "日本語") || !slices.Contains(sel.Options, "हिन्दी") {
		t.Fatalf("the languages offered: %q", sel.Options)
	}
	if note.Visible() {
		t.Errorf("a note before any choice: %q", note.Text)
	}
	sel.SetSelected("Deutsch")
	if got := app.Preferences().String(PrefLanguage); got != "de" {
		t.Errorf("remembered %q, want de", got)
	}
	if !note.Visible() || !strings.Contains(note.Text, "nächsten Start") {
		t.Errorf("the note: %q (visible %v)", note.Text, note.Visible())
	}
	// The next start speaks German.
	if got := applyLanguage(app.Preferences().String(PrefLanguage)); got != "de" || T("Settings") != "Einstellungen" {
		t.Errorf("the next start speaks %s: %q", got, T("Settings"))
	}
	// Back to the system's: nothing remembered but that.
	sel.SetSelectedIndex(0)
	if got := app.Preferences().String(PrefLanguage); got != "" {
		t.Errorf("the system's language is remembered as %q", got)
	}
}

// The details of a video in every state it can be in (being made, failed,
// cancelled, cut short by a quit, done) leave the window inside 1024×640
// in every language, with no button cut short: each state has its own
// buttons, and the longest words decide the pane's width.
func TestEveryStateFitsInEveryLanguage(t *testing.T) {
	w, q, done := finishedJob(t)
	states := map[string]func(j *jobs.Job){
		"done":    func(*jobs.Job) {},
		"queued":  func(j *jobs.Job) { j.State, j.Output = jobs.Queued, "" },
		"running": func(j *jobs.Job) { j.State, j.Output = jobs.Processing, "" },
		"failed": func(j *jobs.Job) {
			j.State, j.Output = jobs.Failed, ""
			j.Failure = &jobs.Failure{Message: "The service is busy.", Kind: "transient", Retryable: true}
		},
		"cancelled":   func(j *jobs.Job) { j.State, j.Output = jobs.Cancelled, "" },
		"interrupted": func(j *jobs.Job) { j.State, j.Output = jobs.Interrupted, "" },
	}
	fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme()) // the look Vivify ships
	for _, l := range Languages {
		t.Run(l.Tag, func(t *testing.T) {
			useLanguage(l.Tag)
			defer useLanguage("en")
			// A window made in the language, over the same library.
			lw := NewWindow(fyne.CurrentApp(), Deps{Engine: w.deps.Engine, Practice: true, RunOnUI: q.post})
			defer lw.Fyne().Close()
			q.drain()
			for state, set := range states {
				j := done
				set(&j)
				lw.Details().Show(j)
				q.drain()
				if want := T("Delete"); !slices.Contains(lw.Details().Actions(), want) {
					t.Fatalf("%s: the actions %q are not in %s", state, lw.Details().Actions(), l.Tag)
				}
				fitsWhole(t, lw, "a video "+state)
			}
		})
	}
}
