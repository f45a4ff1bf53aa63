package gui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/keychain"
)

// press sends a key as the window would: to the focused widget, else to
// the canvas.
func press(w *Window, k fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: k}
	c := w.Fyne().Canvas()
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	c.OnTypedKey()(ev)
}

func TestEscapeClosesTheDialogOnTop(t *testing.T) {
	w, _, _ := practiceWindow(t)
	overlays := func() int { return len(w.Fyne().Canvas().Overlays().List()) }

	w.ShowSettings()
	w.deps.dialogs.ShowError(errors.New("the video could not be saved there"), w.Fyne())
	if n := w.deps.dialogs.Open(); n != 2 || overlays() != 2 {
		t.Fatalf("%d dialogs kept, %d shown", n, overlays())
	}
	press(w, fyne.KeyEscape)
	if !strings.Contains(overlayText(w), "Library folder") || strings.Contains(overlayText(w), "could not be saved") {
		t.Fatalf("after one Escape: %q", overlayText(w))
	}
	press(w, fyne.KeyEscape)
	if n := w.deps.dialogs.Open(); n != 0 || overlays() != 0 {
		t.Fatalf("after two: %d dialogs kept, %d shown", n, overlays())
	}
	press(w, fyne.KeyEscape) // nothing open: nothing happens
}

func TestPresetNameDialogKeys(t *testing.T) {
	w, _, _ := practiceWindow(t)
	p := w.Presets()
	name := func() fyne.Focusable {
		p.Save.OnTapped()
		f := w.Fyne().Canvas().Focused()
		if f == nil {
			t.Fatal("the name field does not have the focus")
		}
		return f
	}
	// Escape, while typing the name, cancels.
	test.Type(name(), "Fast pan")
	press(w, fyne.KeyEscape)
	if w.deps.dialogs.Open() != 0 || slices.Contains(p.Choice.Options, "Fast pan") {
		t.Fatalf("Escape: %d dialogs open, presets %v", w.deps.dialogs.Open(), p.Choice.Options)
	}
	// Enter saves.
	test.Type(name(), "Fast pan")
	press(w, fyne.KeyReturn)
	if w.deps.dialogs.Open() != 0 || !slices.Contains(p.Choice.Options, "Fast pan") {
		t.Fatalf("Enter: %d dialogs open, presets %v", w.deps.dialogs.Open(), p.Choice.Options)
	}
}

func TestKeyFieldKeys(t *testing.T) {
	store := &keychain.Memory{}
	w, q, _ := keyWindow(t, store)
	k := w.Keys()
	// The way in at the first start: the welcome's Enter my key.
	q.until(t, 5*time.Second, "the welcome", func() bool { return strings.Contains(overlayText(w), "Practise for free") })
	tapButton(t, w.Fyne().Canvas().Overlays().Top(), "Enter my key")
	w.Fyne().Canvas().Focus(k.Entry)
	if w.Fyne().Canvas().Focused() != k.Entry {
		t.Fatal("the key field does not have the focus")
	}
	// Enter saves the key.
	test.Type(k.Entry, practiceKey)
	press(w, fyne.KeyReturn)
	q.until(t, 5*time.Second, "the balance", func() bool { return strings.Contains(k.Status.Text, "42.50 USD") })
	if got, _ := store.Get(); got != practiceKey {
		t.Fatalf("kept %q", got)
	}
	// Escape in the field closes the settings.
	w.Fyne().Canvas().Focus(k.Entry)
	test.Type(k.Entry, "half a key")
	if w.Fyne().Canvas().Focused() != k.Entry {
		t.Fatal("the key field does not have the focus")
	}
	press(w, fyne.KeyEscape)
	if w.deps.dialogs.Open() != 0 || strings.Contains(overlayText(w), "Library folder") {
		t.Fatalf("settings still open: %q", overlayText(w))
	}
}

// tapButton taps the button in o that says text.
func tapButton(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, k := range c.Objects {
				walk(k)
			}
		} else if w, ok := o.(fyne.Widget); ok {
			for _, k := range test.WidgetRenderer(w).Objects() {
				walk(k)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	test.Tap(found)
}

// An error dialog says what happened and what to do in sentences; the
// technical text is only behind Copy details.
func TestErrorDialogSpeaksInSentences(t *testing.T) {
	a := test.NewTempApp(t)
	win := a.NewWindow("t")
	win.Resize(fyne.NewSize(800, 600))
	d := &Dialogs{}
	err := &client.Error{Kind: client.ErrTransient, Op: "check the balance", Message: "could not reach the service",
		Err: errors.New("dial tcp 127.0.0.1:9: connect: connection refused")}
	d.ShowError(err, win)
	var text string
	for _, o := range win.Canvas().Overlays().List() {
		text += strings.Join(allText(o), " ")
	}
	for _, want := range []string{"The connection to ModelsLab failed.", "Check your internet connection", "Copy details"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dialog does not say %q: %s", want, text)
		}
	}
	for _, log := range []string{"check the balance:", "a passing fault", "dial tcp"} {
		if strings.Contains(text, log) {
			t.Errorf("the dialog shows %q: %s", log, text)
		}
	}
	d.Escape()
	if d.Open() != 0 {
		t.Fatal("Escape did not close it")
	}
}
