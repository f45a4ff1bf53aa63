package gui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
	"vivify/keychain"
)

// brokenKeychain is a system keychain that cannot be used.
type brokenKeychain struct{}

func (brokenKeychain) Get() (string, error) { return "", keychain.ErrUnavailable }
func (brokenKeychain) Set(string) error     { return keychain.ErrUnavailable }
func (brokenKeychain) Delete() error        { return keychain.ErrUnavailable }

// keyWindow is a window with no key yet, a keychain double, and a sandbox
// that accepts only practiceKey.
func keyWindow(t *testing.T, store keychain.Store) (*Window, uiQueue, *jobs.Engine) {
	t.Helper()
	test.NewTempApp(t)
	srv := sandbox.NewServer(sandbox.WithKeys(practiceKey), sandbox.WithBalance(42.5), sandbox.WithJobDuration(200*time.Millisecond),
		sandbox.WithHoldFor(0))
	t.Cleanup(srv.Close)
	eng, err := jobs.Open(jobs.Options{Library: t.TempDir(),
		Practice: func() (*client.Client, error) { return client.New(practiceKey, client.WithBaseURL(srv.URL)) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	q := make(uiQueue, 1024)
	w := NewWindow(fyne.CurrentApp(), Deps{Engine: eng, RunOnUI: q.post, Keys: store,
		NewClient: func(key string) (*client.Client, error) { return client.New(key, client.WithBaseURL(srv.URL)) },
	})
	w.Start()
	return w, q, eng
}

func overlayText(w *Window) string {
	var b strings.Builder
	for _, o := range w.Fyne().Canvas().Overlays().List() {
		b.WriteString(strings.Join(allText(o), " "))
	}
	return b.String()
}

func TestFirstStartOffersKeyOrPractice(t *testing.T) {
	w, q, eng := keyWindow(t, &keychain.Memory{})
	q.until(t, 5*time.Second, "the welcome", func() bool { return strings.Contains(overlayText(w), "Practise for free") })
	w.EnterPractice()
	q.until(t, 5*time.Second, "practice mode", func() bool { return w.Practice() && eng.HasClient() })
	if !w.banner.Visible() {
		t.Fatal("no practice banner")
	}
}

func TestSettingsStoreCheckAndRemoveTheKey(t *testing.T) {
	store := &keychain.Memory{}
	w, q, eng := keyWindow(t, store)
	k := w.Keys()
	k.Entry.SetText(practiceKey)
	k.Save.OnTapped()
	q.until(t, 5*time.Second, "the balance", func() bool { return strings.Contains(k.Status.Text, "42.50 USD") })
	if got, _ := store.Get(); got != practiceKey || !eng.HasClient() || k.Entry.Text != "" {
		t.Fatalf("kept %q, client %v, entry %q", got, eng.HasClient(), k.Entry.Text)
	}
	if !strings.Contains(w.balance.Text, "42.50") {
		t.Errorf("status bar balance %q", w.balance.Text)
	}
	w.ShowSettings()
	for _, text := range append(allText(w.Fyne().Content()), overlayText(w)) {
		if strings.Contains(text, practiceKey) {
			t.Fatal("the key is on screen")
		}
	}
	k.Remove.OnTapped()
	q.until(t, 5*time.Second, "the removal", func() bool { return strings.Contains(k.Status.Text, "removed") })
	if _, err := store.Get(); !errors.Is(err, keychain.ErrNotFound) || eng.HasClient() {
		t.Fatalf("after remove: %v, client %v", err, eng.HasClient())
	}
}

func TestWrongKeySaysSo(t *testing.T) {
	w, q, _ := keyWindow(t, &keychain.Memory{})
	k := w.Keys()
	k.Entry.SetText("sk-not-the-right-key")
	k.Save.OnTapped()
	q.until(t, 5*time.Second, "the check", func() bool { return strings.Contains(k.Status.Text, "did not accept") })
	if !strings.Contains(k.Status.Text, "Check the API key") {
		t.Errorf("no advice: %q", k.Status.Text)
	}
	if strings.Contains(k.Status.Text, "sk-not-the-right-key") {
		t.Error("the key is in the message")
	}
}

func TestUnavailableKeychainOffersThisSessionOnly(t *testing.T) {
	w, q, eng := keyWindow(t, brokenKeychain{})
	k := w.Keys()
	q.until(t, 5*time.Second, "the keychain report", func() bool { return strings.Contains(k.Status.Text, "not available") })
	k.Entry.SetText(practiceKey)
	k.Save.OnTapped()
	q.until(t, 5*time.Second, "the offer", func() bool { return k.Session.Visible() })
	if eng.HasClient() {
		t.Fatal("a client without the user's choice")
	}
	k.Session.OnTapped()
	q.until(t, 5*time.Second, "the balance", func() bool { return strings.Contains(k.Status.Text, "42.50") })
	if _, memory := k.store.(*keychain.Memory); !memory || !eng.HasClient() {
		t.Fatalf("store %T, client %v", k.store, eng.HasClient())
	}
}

// What the Secret Service says through go-keyring is put in words a
// creator can act on.
func TestKeychainReason(t *testing.T) {
	for raw, want := range map[string]string{
		"failed to unlock correct collection '/org/freedesktop/secrets/collection/login'": "it is locked, and no login keyring could be unlocked",
		"The name org.freedesktop.secrets was not provided by any .service files":         "no keychain service is running",
		"dbus: DBUS_SESSION_BUS_ADDRESS not set":                                          "there is no desktop session bus to reach it",
		"it did not answer within 5s (is it locked, or is no keyring service running?)":   "it did not answer: it may be locked, or no keychain service is running",
		"something new": "something new",
	} {
		err := fmt.Errorf("%w: %s", keychain.ErrUnavailable, raw)
		if got := keychainReason(err); got != want {
			t.Errorf("%q: got %q, want %q", raw, got, want)
		}
	}
}

// A key check that fails at start (offline, here: the service is gone) is
// said in the window's status line, in words, not only in Settings; and a
// key saved while offline is said to be kept but not checked.
func TestFailedStartCheckShowsInTheWindow(t *testing.T) {
	test.NewTempApp(t)
	srv := sandbox.NewServer(sandbox.WithKeys(practiceKey))
	base := srv.URL
	srv.Close()
	eng, err := jobs.Open(jobs.Options{Library: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	store := &keychain.Memory{}
	store.Set(practiceKey)
	q := make(uiQueue, 1024)
	w := NewWindow(fyne.CurrentApp(), Deps{Engine: eng, RunOnUI: q.post, Keys: store,
		NewClient: func(key string) (*client.Client, error) { return client.New(key, client.WithBaseURL(base)) }})
	w.Start()
	q.until(t, 10*time.Second, "the failed check", func() bool { return w.Notice() != "" })
	msg := w.Notice()
	if w.Message() != "" {
		t.Errorf("the check's failure is in the form's message line too: %q", w.Message())
	}
	for _, want := range []string{"could not be checked", "offline", "Settings"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message %q does not say %q", msg, want)
		}
	}
	for _, log := range []string{"check the balance:", "a passing fault", "dial tcp"} {
		if strings.Contains(msg, log) {
			t.Errorf("the message reads like a log (%q): %q", log, msg)
		}
	}
	if w.balance.Text != "Key not checked" {
		t.Errorf("balance %q", w.balance.Text)
	}

	k := w.Keys()
	k.Entry.SetText("sk-ANOTHER-KEY-SAVED-OFFLINE")
	k.Save.OnTapped()
	q.until(t, 10*time.Second, "the saved key's check", func() bool { return strings.Contains(k.Status.Text, "could not be checked") })
	for _, want := range []string{"kept", "offline", "Check key"} {
		if !strings.Contains(k.Status.Text, want) {
			t.Errorf("after saving offline, Settings say %q: no %q", k.Status.Text, want)
		}
	}
	if got, _ := store.Get(); got != "sk-ANOTHER-KEY-SAVED-OFFLINE" {
		t.Errorf("the key saved offline was not kept: %q", got)
	}
}

// The mode is always plain: the switch in Settings turns practice on and
// off, the banner shows in practice and the balance with "real videos use
// credits" outside it, and the choice is kept for the next start.
func TestPracticeSwitch(t *testing.T) {
	store := &keychain.Memory{}
	store.Set(practiceKey)
	w, q, eng := keyWindow(t, store)
	q.until(t, 5*time.Second, "the balance", func() bool { return strings.Contains(w.balance.Text, "42.50") })
	if w.banner.Visible() || !w.credits.Visible() || eng.InPractice() {
		t.Fatalf("paid mode: banner %v, credits %v, engine in practice %v", w.banner.Visible(), w.credits.Visible(), eng.InPractice())
	}
	w.ShowSettings()
	if w.practiceSwitch == nil || w.practiceSwitch.Checked {
		t.Fatal("no practice switch in Settings, or it is on in paid mode")
	}
	w.practiceSwitch.SetChecked(true)
	if !w.banner.Visible() || w.credits.Visible() || w.balance.Visible() || !eng.InPractice() || !w.Practice() {
		t.Fatalf("practice: banner %v, credits %v, engine in practice %v", w.banner.Visible(), w.credits.Visible(), eng.InPractice())
	}
	if !fyne.CurrentApp().Preferences().Bool(prefPractice) {
		t.Fatal("the choice of practice is not kept")
	}
	w.practiceSwitch.SetChecked(false)
	q.until(t, 5*time.Second, "the key checked again", func() bool { return strings.Contains(w.balance.Text, "42.50") && w.balance.Visible() })
	if w.banner.Visible() || eng.InPractice() || fyne.CurrentApp().Preferences().Bool(prefPractice) {
		t.Fatal("practice is still on after the switch was turned off")
	}
}

// Without a key, outside practice, Generate says what to do and sends
// nothing; behind the welcome, Ctrl+Enter does nothing at all.
func TestGenerateWithoutAKey(t *testing.T) {
	w, q, eng := keyWindow(t, &keychain.Memory{})
	q.until(t, 5*time.Second, "the welcome", func() bool { return strings.Contains(overlayText(w), "Practise for free") })
	w.Source().SetFile(writePicture(t))
	q.until(t, 5*time.Second, "the picture", func() bool { return strings.Contains(w.Source().info.Text, "300 × 200") })
	w.Generate()
	if w.Message() != "" || len(eng.Jobs()) != 0 {
		t.Fatalf("Generate behind the welcome: %q, %d jobs", w.Message(), len(eng.Jobs()))
	}
	w.deps.dialogs.Escape()
	w.Generate()
	if !strings.Contains(w.Message(), "Settings") || !strings.Contains(w.Message(), "practice") || len(eng.Jobs()) != 0 {
		t.Fatalf("Generate without a key: %q, %d jobs", w.Message(), len(eng.Jobs()))
	}
}

// Practice switched off in Settings with no key kept: Settings, open
// already, is not opened a second time over itself.
func TestPracticeOffWithoutAKeyOpensSettingsOnce(t *testing.T) {
	w, q, _ := keyWindow(t, &keychain.Memory{})
	q.until(t, 5*time.Second, "the welcome", func() bool { return strings.Contains(overlayText(w), "Practise for free") })
	w.deps.dialogs.Escape()
	w.SetPractice(true)
	w.ShowSettings()
	w.practiceSwitch.SetChecked(false)
	q.until(t, 5*time.Second, "the notice", func() bool { return strings.Contains(w.Notice(), "need your ModelsLab API key") })
	if n := len(w.Fyne().Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d dialogs open, want Settings once", n)
	}
}

// The look chosen in Settings is the one a start shows, without Settings
// being opened; choosing another applies and keeps it, and opening
// Settings applies nothing by itself.
func TestChosenThemeAtStart(t *testing.T) {
	a := test.NewTempApp(t)
	darkBackground := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	dark := func() bool {
		return a.Settings().Theme().Color(theme.ColorNameBackground, a.Settings().ThemeVariant()) == darkBackground
	}
	a.Preferences().SetString(prefTheme, "Dark")
	if dark() {
		t.Fatal("dark before the saved theme is applied: the test sees nothing")
	}
	applySavedTheme(a)
	if !dark() {
		t.Fatal("the saved Dark is not on at start")
	}
	on := a.Settings().Theme()
	choice := themeChoice(a).(*fyne.Container).Objects[1].(*widget.RadioGroup)
	if a.Settings().Theme() != on {
		t.Fatal("opening Settings applied the theme again")
	}
	if choice.Selected != T("Dark") {
		t.Fatalf("Settings shows %q", choice.Selected)
	}
	choice.SetSelected(T("Light"))
	if dark() || a.Preferences().String(prefTheme) != "Light" {
		t.Fatal("choosing Light neither applied nor kept it")
	}
	// "System" follows the system's variant, whichever it is.
	a.Preferences().SetString(prefTheme, "System")
	applySavedTheme(a)
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		got := a.Settings().Theme().Color(theme.ColorNameBackground, v)
		if want := theme.DefaultTheme().Color(theme.ColorNameBackground, v); got != want {
			t.Fatalf("following the system, variant %d has background %v, want %v", v, got, want)
		}
	}
	// In every variant, a modal dialog dims the window rather than blur it.
	if r := a.Settings().Theme().Size(theme.SizeNameModalBlurRadius); r != 0 {
		t.Fatalf("modal blur radius %v", r)
	}
	if a.Settings().Theme().Size(theme.SizeNameText) != theme.DefaultTheme().Size(theme.SizeNameText) {
		t.Fatal("the look changed the text size")
	}
}
