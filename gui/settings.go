package gui

import (
	"context"
	"errors"
	"image/color"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/internal/picker"
	"vivify/jobs"
	"vivify/keychain"
)

// Preference names.
const (
	prefTheme   = "theme"   // "System", "Light" or "Dark"
	PrefLibrary = "library" // the library folder chosen in Settings
)

// KeySettings holds the API key: typed once into a password field, kept in
// the system keychain (or, when there is none, for this session only),
// checked against the service, removed. The key is never shown again, nor
// written anywhere but the keychain.
type KeySettings struct {
	deps      Deps
	Entry     *dialogEntry
	Save      *widget.Button
	Check     *widget.Button
	Remove    *widget.Button
	GetKey    *widget.Button // opens the provider's key page
	Session   *widget.Button // shown when the keychain is unavailable
	Status    *widget.Label
	store     keychain.Store
	hasKey    bool
	onBalance func(string)
	// OnCheckFailed, if set, is told in words why a check of the key
	// failed, so the window can say so outside Settings.
	OnCheckFailed func(string)
	// OnChecked, if set, is called when a check found the key working.
	OnChecked func()
	content   fyne.CanvasObject
}

// NewKeySettings builds the key panel and looks for a kept key in the
// background.
func NewKeySettings(deps Deps, onBalance func(string)) *KeySettings {
	k := &KeySettings{deps: deps, store: deps.Keys, onBalance: onBalance}
	k.Entry = newDialogEntry(deps.dialogs) // it lives in the settings dialog
	k.Entry.Password = true
	k.Entry.OnSubmitted = func(string) { k.save(k.store) } // Enter saves
	k.Entry.SetPlaceHolder(T("Paste your ModelsLab API key"))
	k.Status = widget.NewLabel("")
	k.Status.Wrapping = wordWrap()
	k.Save = widget.NewButtonWithIcon(T("Save key"), theme.DocumentSaveIcon(), func() { k.save(k.store) })
	k.Save.Importance = widget.HighImportance
	k.Check = widget.NewButtonWithIcon(T("Check key"), theme.ConfirmIcon(), k.check)
	k.Remove = widget.NewButtonWithIcon(T("Remove key"), theme.DeleteIcon(), k.remove)
	k.Session = widget.NewButton(T("Use it for this session only"), func() { k.save(&keychain.Memory{}) })
	k.Session.Hide()
	help := widget.NewLabel(T("Your key is on your ModelsLab dashboard, under API keys. Vivify keeps it in your system's keychain and sends it only to ModelsLab, over an encrypted connection."))
	help.Wrapping = wordWrap()
	help.SizeName = theme.SizeNameCaptionText
	k.GetKey = widget.NewButtonWithIcon(T("Get a key"), theme.ComputerIcon(), func() {
		if err := fyne.CurrentApp().OpenURL(keyPage); err != nil {
			fyne.CurrentApp().Clipboard().SetContent(keyPage.String())
			k.Status.SetText(Tf("Your desktop could not open a web browser. The address of the key page is copied: paste it into your browser (%s).", keyPage.String()))
		}
	})
	k.Status.Wrapping = wordWrap()
	k.content = container.NewVBox(
		widget.NewLabelWithStyle(T("API key"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		k.Entry, help, container.NewHBox(k.Save, k.Check, k.Remove, k.GetKey), k.Session, k.Status)
	return k
}

// keyPage is the ModelsLab page where a creator makes and copies a key.
var keyPage = &url.URL{Scheme: "https", Host: "modelslab.com", Path: "/dashboard/api-keys"}

// Content is the panel's widgets.
func (k *KeySettings) Content() fyne.CanvasObject { return k.content }

// Load looks for a kept key off the UI goroutine, gives the engine a client
// for it, and calls done(found) on the UI goroutine.
func (k *KeySettings) Load(done func(found bool)) {
	if k.store == nil || k.deps.NewClient == nil {
		done(false)
		return
	}
	store := k.store // save may replace it on the UI goroutine meanwhile
	go func() {
		key, err := store.Get()
		var c *client.Client
		if err == nil {
			c, err = k.deps.NewClient(key)
		}
		if c != nil {
			k.deps.Engine.SetClient(c) // for real videos; practice jobs do not use it
		}
		k.deps.RunOnUI(func() {
			switch {
			case err == nil:
				k.hasKey = true
				k.Status.SetText(T("A key is kept in your system's keychain."))
			case errors.Is(err, keychain.ErrUnavailable):
				k.Status.SetText(Tf("The system keychain is not available (%s). You can still paste your key and use it for this session.", keychainReason(err)))
			}
			done(err == nil)
		})
	}()
}

// save keeps the typed key in store (the keychain, or memory), and gives
// the engine a client for it. Keychain work runs off the UI goroutine.
func (k *KeySettings) save(store keychain.Store) {
	key := k.Entry.Text
	if len(key) < 8 {
		k.Status.SetText(T("Paste the whole key first: it is a long string of letters and numbers."))
		return
	}
	k.Status.SetText(T("Saving…"))
	go func() {
		err := store.Set(key)
		var c *client.Client
		if err == nil {
			c, err = k.deps.NewClient(key)
		}
		if c != nil {
			k.deps.Engine.SetClient(c)
		}
		k.deps.RunOnUI(func() {
			switch {
			case errors.Is(err, keychain.ErrUnavailable):
				k.Status.SetText(Tf("The system keychain is not available (%s). Vivify can keep the key for this session only: you will paste it again next time.", keychainReason(err)))
				k.Session.Show()
			case err != nil:
				k.Status.SetText(Tf("The key could not be kept: %s", err.Error()))
			default:
				k.store = store
				k.hasKey = true
				k.Entry.SetText("")
				k.Session.Hide()
				if _, memory := store.(*keychain.Memory); memory {
					k.Status.SetText(T("The key is kept for this session only. Checking it…"))
				} else {
					k.Status.SetText(T("The key is kept in your system's keychain. Checking it…"))
				}
				k.check()
			}
		})
	}()
}

// keychainReason is the technical part of a keychain error, without the
// sentence around it.
func keychainReason(err error) string {
	msg := strings.TrimPrefix(err.Error(), keychain.ErrUnavailable.Error())
	msg = strings.TrimSpace(strings.TrimPrefix(msg, ":"))
	// go-keyring passes on what the Secret Service said; the usual cases,
	// in words a creator can act on.
	switch {
	case msg == "":
		return T("no reason given")
	case strings.Contains(msg, "did not answer"):
		return T("it did not answer: it may be locked, or no keychain service is running")
	case strings.Contains(msg, "unlock correct collection"), strings.Contains(msg, "locked"):
		return T("it is locked, and no login keyring could be unlocked")
	case strings.Contains(msg, "org.freedesktop.secrets"), strings.Contains(msg, "ServiceUnknown"):
		return T("no keychain service is running")
	case strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"), strings.Contains(msg, "dbus"):
		return T("there is no desktop session bus to reach it")
	}
	return msg
}

// check asks the service for the balance: the cheapest proof a key works.
func (k *KeySettings) check() {
	k.Check.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		b, err := k.deps.Engine.KeyBalance(ctx)
		k.deps.RunOnUI(func() {
			k.Check.Enable()
			switch {
			case err == nil:
				text := Tf("Balance: %.2f %s", b.Amount, b.Currency)
				k.Status.SetText(Tf("The key works. %s.", text))
				if k.onBalance != nil {
					k.onBalance(text)
				}
			case errors.Is(err, jobs.ErrNoClient):
				k.Status.SetText(T("No key is set yet."))
			default:
				text := checkFailedText(err)
				k.Status.SetText(text)
				if k.OnCheckFailed != nil {
					k.OnCheckFailed(text)
				}
				return
			}
			if k.OnChecked != nil {
				k.OnChecked()
			}
		})
	}()
}

// checkFailedText says why the key could not be checked, and what that
// means: a key refused is wrong; a key not reached is kept and unproven.
func checkFailedText(err error) string {
	f := jobs.Describe(err)
	switch {
	case errors.Is(err, client.ErrInvalidKey):
		return Tk(f.Message) + " " + Tk(f.Advice)
	case errors.Is(err, client.ErrTransient):
		return T("The key is kept, but it could not be checked: ModelsLab could not be reached, so this computer may be offline. Press Check key in Settings once you are online.")
	}
	return Tf("The key is kept, but it could not be checked: %s %s", Tk(f.Message), Tk(f.Advice))
}

func (k *KeySettings) remove() {
	store := k.store
	go func() {
		err := store.Delete()
		k.deps.Engine.SetClient(nil)
		k.deps.RunOnUI(func() {
			k.hasKey = false
			if err != nil {
				k.Status.SetText(Tf("The key could not be removed from the keychain: %s", err.Error()))
				return
			}
			k.Status.SetText(T("The key is removed. Jobs cannot be sent until a key is set again."))
			if k.onBalance != nil {
				k.onBalance("")
			}
		})
	}()
}

// themeKeys are the themes as kept in the preferences.
var themeKeys = []string{"System", "Light", "Dark"} // words: keys

// applyTheme puts theme c ("System", "Light" or "Dark") on the app.
func applyTheme(app fyne.App, c string) {
	l := &look{Theme: theme.DefaultTheme(), variant: followSystem}
	switch c {
	case "Light":
		l.variant = theme.VariantLight
	case "Dark":
		l.variant = theme.VariantDark
	}
	app.Settings().SetTheme(l)
}

// applySavedTheme puts Vivify's look, in the variant chosen in Settings, on
// the app at start, before any typeface is loaded: setting a theme later
// makes the toolkit load every typeface a second time.
func applySavedTheme(app fyne.App) {
	applyTheme(app, app.Preferences().String(prefTheme))
}

// themeChoice offers the themes, and applies and remembers the one chosen.
func themeChoice(app fyne.App) fyne.CanvasObject {
	choices := []string{T("System"), T("Light"), T("Dark")}
	r := widget.NewRadioGroup(choices, nil)
	r.Horizontal = true
	r.Required = true
	saved := app.Preferences().StringWithFallback(prefTheme, "System")
	r.SetSelected(choices[max(0, slices.Index(themeKeys, saved))])
	// Only a choice applies a theme: the saved one is on already.
	r.OnChanged = func(shown string) {
		c := themeKeys[max(0, slices.Index(choices, shown))]
		applyTheme(app, c)
		app.Preferences().SetString(prefTheme, c)
	}
	return container.NewVBox(widget.NewLabelWithStyle(T("Appearance"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), r)
}

// languageChoice offers the languages, each in its own name, first the
// system's; the choice is remembered and takes effect at the next start
// (every word of the open window was made in the language in use).
func languageChoice(app fyne.App) fyne.CanvasObject {
	prefs := app.Preferences()
	saved := prefs.String(PrefLanguage)
	tags := []string{""}
	names := []string{Tf("As the system: %s", languageCalled(SystemLanguage()))}
	for _, l := range Languages {
		tags = append(tags, l.Tag)
		names = append(names, l.Name)
	}
	note := widget.NewLabel("")
	note.Wrapping = wordWrap()
	note.SizeName = theme.SizeNameCaptionText
	note.Hide()
	sel := widget.NewSelect(names, nil)
	sel.SetSelectedIndex(max(0, slices.Index(tags, saved)))
	sel.OnChanged = func(string) {
		tag := tags[max(0, sel.SelectedIndex())]
		prefs.SetString(PrefLanguage, tag)
		next := tag
		if next == "" {
			next = SystemLanguage()
		}
		if next == currentLanguage() {
			note.Hide()
			return
		}
		// Said in the language chosen, which is the one the person reads.
		note.SetText(wordsIn("Vivify speaks this language from its next start: close it and open it again.", next))
		note.Show()
	}
	return container.NewVBox(widget.NewLabelWithStyle(T("Language"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), sel, note)
}

// followSystem is a look's variant when it follows the system's light or
// dark.
const followSystem = fyne.ThemeVariant(255)

// look is Vivify's theme: the toolkit's own, in one variant or the
// system's, whose modal dialogs dim the window behind them rather than blur
// it. The blur cost a window-sized texture for as long as the app ran
// (3.5 MB at the first size) and two passes over the whole window in every
// frame a dialog was open, which a computer without a graphics card draws
// on its processor.
type look struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (l *look) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if l.variant != followSystem {
		v = l.variant
	}
	return l.Theme.Color(n, v)
}

func (l *look) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameModalBlurRadius {
		return 0
	}
	return l.Theme.Size(n)
}

// ShowSettings opens the settings dialog.
func (w *Window) ShowSettings() {
	prefs := fyne.CurrentApp().Preferences()
	lib := widget.NewLabel(w.deps.Engine.Library())
	lib.Wrapping = fyne.TextWrapBreak
	next := widget.NewLabel("")
	next.Wrapping = wordWrap()
	if p := prefs.String(PrefLibrary); p != "" && p != w.deps.Engine.Library() {
		next.SetText(Tf("From the next start: %s", p))
	}
	choose := widget.NewButtonWithIcon(T("Choose another folder…"), theme.FolderOpenIcon(), func() {
		r := picker.Request{Kind: picker.Folder, Title: T("Choose the folder for Vivify's videos"), Folder: filepath.Dir(w.deps.Engine.Library())}
		w.deps.dialogs.choose(w.win, r, func(path string) {
			prefs.SetString(PrefLibrary, path)
			next.SetText(Tf("From the next start: %s (jobs running now finish in the current folder)", path))
		})
	})
	libBox := container.NewVBox(widget.NewLabelWithStyle(T("Library folder"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		lib, container.NewHBox(choose), next)
	modeHelp := widget.NewLabel(T("Practice videos are a slow zoom of your picture, made here to learn Vivify with. Real videos are made by ModelsLab with your key and use credits."))
	modeHelp.Wrapping = wordWrap()
	modeHelp.SizeName = theme.SizeNameCaptionText
	mode := container.NewVBox(widget.NewLabelWithStyle(T("Mode"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		w.newPracticeSwitch(), modeHelp)
	updates := container.NewVBox(widget.NewLabelWithStyle(T("Updates"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), w.newUpdateSwitch())
	body := container.NewVBox(mode, widget.NewSeparator(), w.keys.Content(), widget.NewSeparator(), newAskSetting(), widget.NewSeparator(), updates, widget.NewSeparator(), languageChoice(fyne.CurrentApp()), widget.NewSeparator(), themeChoice(fyne.CurrentApp()), widget.NewSeparator(), libBox)
	// It scrolls: on a small screen Close sat over the library's folder.
	d := dialog.NewCustom(T("Settings"), T("Close"), container.NewVScroll(container.NewPadded(body)), w.win)
	d.Resize(fitDialog(w.win, fyne.NewSize(560, 640)))
	w.deps.dialogs.Show(d)
}
