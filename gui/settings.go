package gui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
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
	Session   *widget.Button // shown when the keychain is unavailable
	Status    *widget.Label
	store     keychain.Store
	hasKey    bool
	onBalance func(string)
	// OnCheckFailed, if set, is told in words why a check of the key
	// failed, so the window can say so outside Settings.
	OnCheckFailed func(string)
	content       fyne.CanvasObject
}

// NewKeySettings builds the key panel and looks for a kept key in the
// background.
func NewKeySettings(deps Deps, onBalance func(string)) *KeySettings {
	k := &KeySettings{deps: deps, store: deps.Keys, onBalance: onBalance}
	k.Entry = newDialogEntry(deps.dialogs) // it lives in the settings dialog
	k.Entry.Password = true
	k.Entry.OnSubmitted = func(string) { k.save(k.store) } // Enter saves
	k.Entry.SetPlaceHolder("Paste your ModelsLab API key")
	k.Status = widget.NewLabel("")
	k.Status.Wrapping = fyne.TextWrapWord
	k.Save = widget.NewButtonWithIcon("Save key", theme.DocumentSaveIcon(), func() { k.save(k.store) })
	k.Save.Importance = widget.HighImportance
	k.Check = widget.NewButtonWithIcon("Check key", theme.ConfirmIcon(), k.check)
	k.Remove = widget.NewButtonWithIcon("Remove key", theme.DeleteIcon(), k.remove)
	k.Session = widget.NewButton("Use it for this session only", func() { k.save(&keychain.Memory{}) })
	k.Session.Hide()
	help := widget.NewLabel("Your key is on your ModelsLab dashboard, under API keys. Vivify keeps it in your system's keychain and sends it only to ModelsLab, over an encrypted connection.")
	help.Wrapping = fyne.TextWrapWord
	help.SizeName = theme.SizeNameCaptionText
	k.content = container.NewVBox(
		widget.NewLabelWithStyle("API key", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		k.Entry, help, container.NewHBox(k.Save, k.Check, k.Remove), k.Session, k.Status)
	if deps.Practice {
		k.Status.SetText("Practice mode: no key is needed, and nothing is charged.")
	}
	return k
}

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
		if c != nil && !k.deps.Practice {
			k.deps.Engine.SetClient(c)
		}
		k.deps.RunOnUI(func() {
			switch {
			case err == nil:
				k.hasKey = true
				k.Status.SetText("A key is kept in your system's keychain.")
			case errors.Is(err, keychain.ErrUnavailable):
				k.Status.SetText("The system keychain is not available (" + keychainReason(err) + "). " +
					"You can still paste your key and use it for this session.")
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
		k.Status.SetText("Paste the whole key first: it is a long string of letters and numbers.")
		return
	}
	k.Status.SetText("Saving…")
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
				k.Status.SetText("The system keychain is not available (" + keychainReason(err) + "). " +
					"Vivify can keep the key for this session only: you will paste it again next time.")
				k.Session.Show()
			case err != nil:
				k.Status.SetText("The key could not be kept: " + err.Error())
			default:
				k.store = store
				k.hasKey = true
				k.Entry.SetText("")
				k.Session.Hide()
				if _, memory := store.(*keychain.Memory); memory {
					k.Status.SetText("The key is kept for this session only. Checking it…")
				} else {
					k.Status.SetText("The key is kept in your system's keychain. Checking it…")
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
		return "no reason given"
	case strings.Contains(msg, "did not answer"):
		return "it did not answer: it may be locked, or no keychain service is running"
	case strings.Contains(msg, "unlock correct collection"), strings.Contains(msg, "locked"):
		return "it is locked, and no login keyring could be unlocked"
	case strings.Contains(msg, "org.freedesktop.secrets"), strings.Contains(msg, "ServiceUnknown"):
		return "no keychain service is running"
	case strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"), strings.Contains(msg, "dbus"):
		return "there is no desktop session bus to reach it"
	}
	return msg
}

// check asks the service for the balance: the cheapest proof a key works.
func (k *KeySettings) check() {
	k.Check.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		b, err := k.deps.Engine.Balance(ctx)
		k.deps.RunOnUI(func() {
			k.Check.Enable()
			switch {
			case err == nil:
				text := fmt.Sprintf("Balance: %.2f %s", b.Amount, b.Currency)
				k.Status.SetText("The key works. " + text + ".")
				if k.onBalance != nil {
					k.onBalance(text)
				}
			case errors.Is(err, jobs.ErrNoClient):
				k.Status.SetText("No key is set yet.")
			default:
				f := jobs.Describe(err)
				text := "The key could not be checked. " + f.Message + " " + f.Advice
				if errors.Is(err, client.ErrInvalidKey) {
					text = f.Message + " " + f.Advice
				}
				k.Status.SetText(text)
				if k.OnCheckFailed != nil {
					k.OnCheckFailed(text)
				}
			}
		})
	}()
}

func (k *KeySettings) remove() {
	store := k.store
	go func() {
		err := store.Delete()
		k.deps.Engine.SetClient(nil)
		k.deps.RunOnUI(func() {
			k.hasKey = false
			if err != nil {
				k.Status.SetText("The key could not be removed from the keychain: " + err.Error())
				return
			}
			k.Status.SetText("The key is removed. Jobs cannot be sent until a key is set again.")
			if k.onBalance != nil {
				k.onBalance("")
			}
		})
	}()
}

// themeChoice applies and remembers the chosen theme.
func themeChoice(app fyne.App) fyne.CanvasObject {
	choices := []string{"System", "Light", "Dark"}
	apply := func(c string) {
		switch c {
		case "Light":
			app.Settings().SetTheme(&fixedVariant{theme.DefaultTheme(), theme.VariantLight})
		case "Dark":
			app.Settings().SetTheme(&fixedVariant{theme.DefaultTheme(), theme.VariantDark})
		default:
			app.Settings().SetTheme(theme.DefaultTheme())
		}
		app.Preferences().SetString(prefTheme, c)
	}
	r := widget.NewRadioGroup(choices, apply)
	r.Horizontal = true
	r.Required = true
	saved := app.Preferences().StringWithFallback(prefTheme, "System")
	r.SetSelected(saved)
	return container.NewVBox(widget.NewLabelWithStyle("Appearance", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), r)
}

// fixedVariant is the default theme in one variant, whatever the system's.
type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (f *fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return f.Theme.Color(n, f.variant)
}

// ShowSettings opens the settings dialog.
func (w *Window) ShowSettings() {
	prefs := fyne.CurrentApp().Preferences()
	lib := widget.NewLabel(w.deps.Engine.Library())
	lib.Wrapping = fyne.TextWrapBreak
	next := widget.NewLabel("")
	next.Wrapping = fyne.TextWrapWord
	if p := prefs.String(PrefLibrary); p != "" && p != w.deps.Engine.Library() {
		next.SetText("From the next start: " + p)
	}
	choose := widget.NewButtonWithIcon("Choose another folder…", theme.FolderOpenIcon(), func() {
		w.deps.dialogs.Show(dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				return
			}
			prefs.SetString(PrefLibrary, u.Path())
			next.SetText("From the next start: " + u.Path() + " (jobs running now finish in the current folder)")
		}, w.win))
	})
	libBox := container.NewVBox(widget.NewLabelWithStyle("Library folder", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		lib, container.NewHBox(choose), next)
	body := container.NewVBox(w.keys.Content(), widget.NewSeparator(), themeChoice(fyne.CurrentApp()), widget.NewSeparator(), libBox)
	d := dialog.NewCustom("Settings", "Close", container.NewPadded(body), w.win)
	d.Resize(fyne.NewSize(560, 560))
	w.deps.dialogs.Show(d)
}
