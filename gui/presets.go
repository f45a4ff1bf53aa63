package gui

import (
	"encoding/json"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/internal/plain"
)

// Preference names of the presets.
const (
	prefPresets = "presets"
	prefPreset  = "preset"
)

// Preset is a named set of parameters. Applying one keeps the prompts:
// presets are about how a video moves, not what is in it.
type Preset struct {
	Name    string         `json:"name"`
	Request client.Request `json:"request"`
}

// BuiltInPresets are always there and cannot be deleted: each family has
// its own.
func BuiltInPresets() []Preset {
	subtle := client.NewRequest("")
	subtle.MotionBucketID, subtle.NoiseAugStrength, subtle.NumFrames, subtle.FPS = 40, 0.0, 16, 7
	medium := client.NewRequest("")
	lots := client.NewRequest("")
	lots.MotionBucketID, lots.NoiseAugStrength, lots.NumFrames, lots.FPS, lots.MaxGuidanceScale = 220, 0.1, 25, 10, 4
	hdModel, _ := client.LookupModel(client.FamilyHD, "wan2.2")
	draft := client.NewRequestFor(hdModel, "")
	draft.Resolution, draft.NumFrames, draft.NumInferenceSteps = 480, 49, 8
	best := client.NewRequestFor(hdModel, "")
	best.Resolution, best.NumFrames, best.NumInferenceSteps = 720, 81, 25
	premium := client.ModelsOf(client.FamilyPremium)[0]
	short := client.NewRequestFor(premium, "")
	long := client.NewRequestFor(premium, "")
	long.Duration = "longest" // words: not shown (the API's value)
	return []Preset{{T("Subtle motion"), subtle}, {T("Medium motion"), medium}, {T("Lots of motion"), lots},
		{T("Quick 480p draft"), draft}, {T("Best 720p"), best},
		{T("Shortest video"), short}, {T("Longest video"), long}}
}

// maxOwnPresets bounds the creator's presets kept in the preferences.
const maxOwnPresets = 100

// decodePresets is the gate for the creator's presets as the preferences
// keep them: each a plain name of its own, not a built-in's, and settings
// that are a request Vivify would send (checked with a stand-in picture);
// anything else is left out.
func decodePresets(data string) []Preset {
	var raw []Preset
	if len(data) > 1<<20 || json.Unmarshal([]byte(data), &raw) != nil {
		return nil
	}
	taken := map[string]bool{}
	for _, b := range BuiltInPresets() {
		taken[b.Name] = true
	}
	var out []Preset
	for _, ps := range raw {
		name := plain.Line(ps.Name, 60)
		check := ps.Request
		check.InitImage = "https://example.com/a.png"
		if m, ok := check.Model(); ok && m.EndFrame {
			check.EndImage = "https://example.com/b.png"
		}
		if check.Prompt == "" {
			check.Prompt = T("a stand-in prompt") // presets keep no prompt; a premium model asks for one
		}
		if name == "" || name != ps.Name || taken[name] || len(out) == maxOwnPresets || check.Validate() != nil {
			continue
		}
		taken[name] = true
		out = append(out, Preset{Name: name, Request: ps.Request})
	}
	return out
}

// familyOf is the family a preset belongs to.
func familyOf(p Preset) client.Family { return p.Request.Family.Or() }

// Presets is the preset row above the parameters.
type Presets struct {
	form    *ParamsForm
	prefs   fyne.Preferences
	win     fyne.Window
	dialogs *Dialogs
	own     []Preset
	family  client.Family // the family the list is of
	Choice  *widget.Select
	Save    *widget.Button
	Delete  *widget.Button
	content fyne.CanvasObject
}

// NewPresets builds the row, with the user's presets from prefs, and
// applies the preset chosen last time.
func NewPresets(form *ParamsForm, prefs fyne.Preferences, win fyne.Window, dialogs *Dialogs) *Presets {
	p := &Presets{form: form, prefs: prefs, win: win, dialogs: dialogs, family: form.ChosenModel().Family.Or()}
	p.own = decodePresets(prefs.String(prefPresets))
	p.Choice = widget.NewSelect(nil, func(name string) { p.apply(name) })
	p.Choice.PlaceHolder = T("Choose a preset")
	p.Save = widget.NewButtonWithIcon(T("Save…"), theme.DocumentSaveIcon(), p.askName)
	p.Delete = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { p.remove(p.Choice.Selected) })
	p.refresh()
	if last := prefs.String(prefPreset); last != "" && slices.Contains(p.Choice.Options, last) {
		p.Choice.SetSelected(last)
	}
	title := widget.NewLabelWithStyle(T("Preset"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// One row: the form's first screen is for the picture and its motion.
	p.content = container.NewVBox(title, container.NewBorder(nil, nil, nil, container.NewHBox(p.Save, p.Delete), p.Choice))
	return p
}

// Content is the row's widgets.
func (p *Presets) Content() fyne.CanvasObject { return p.content }

// all are the presets of the form's family: built-in, then the creator's.
func (p *Presets) all() []Preset {
	fam := p.form.ChosenModel().Family.Or()
	var out []Preset
	for _, ps := range append(BuiltInPresets(), p.own...) {
		if familyOf(ps) == fam {
			out = append(out, ps)
		}
	}
	return out
}

// FamilyChanged lists the presets of the family the form is now set to.
func (p *Presets) FamilyChanged() {
	if p.family == p.form.ChosenModel().Family.Or() {
		return
	}
	p.family = p.form.ChosenModel().Family.Or()
	if !slices.ContainsFunc(p.all(), func(ps Preset) bool { return ps.Name == p.Choice.Selected }) {
		p.Choice.Selected = ""
	}
	p.refresh()
}

func (p *Presets) refresh() {
	var names []string
	for _, ps := range p.all() {
		names = append(names, ps.Name)
	}
	p.Choice.Options = names
	p.Choice.Refresh()
	p.updateDelete()
}

func (p *Presets) updateDelete() {
	if p.isOwn(p.Choice.Selected) {
		p.Delete.Enable()
	} else {
		p.Delete.Disable()
	}
}

func (p *Presets) isOwn(name string) bool {
	return slices.ContainsFunc(p.own, func(ps Preset) bool { return ps.Name == name })
}

// apply sets the form to a preset, keeping the prompts, the model (a
// preset belongs to a family, not to one of its models) and the shape.
func (p *Presets) apply(name string) {
	for _, ps := range p.all() {
		if ps.Name == name {
			r := ps.Request
			current := p.form.read()
			r.Prompt, r.NegativePrompt = current.Prompt, current.NegativePrompt
			r.ModelID, r.Family, r.Portrait = current.ModelID, current.Family, current.Portrait
			if m, ok := r.Model(); ok && len(m.Durations) > 0 {
				switch r.Duration {
				case "longest":
					r.Duration = m.Durations[len(m.Durations)-1]
				default:
					r.Duration = m.Durations[0]
				}
			} else {
				r.Duration = ""
			}
			p.form.SetRequest(r)
			p.prefs.SetString(prefPreset, name)
		}
	}
	p.updateDelete()
}

func (p *Presets) askName() {
	name := newDialogEntry(p.dialogs)
	name.SetPlaceHolder(T("My slow pan"))
	d := dialog.NewForm(T("Save the settings as a preset"), T("Save"), T("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(T("Name"), name)}, func(ok bool) {
			if ok {
				p.SaveAs(name.Text)
			}
		}, p.win)
	name.OnSubmitted = func(string) { d.Submit() } // Enter saves
	p.dialogs.Show(d)
	p.win.Canvas().Focus(name)
}

// SaveAs keeps the form's settings as a preset of the user's (replacing one
// of the same name); built-in names are refused.
func (p *Presets) SaveAs(name string) bool {
	name = strings.TrimSpace(name)
	if name == "" || slices.ContainsFunc(BuiltInPresets(), func(ps Preset) bool { return strings.EqualFold(ps.Name, name) }) {
		return false
	}
	r := p.form.read()
	r.Prompt, r.NegativePrompt, r.InitImage = "", "", ""
	p.own = slices.DeleteFunc(p.own, func(ps Preset) bool { return ps.Name == name })
	p.own = append(p.own, Preset{Name: name, Request: r})
	p.store()
	p.refresh()
	p.Choice.SetSelected(name)
	return true
}

func (p *Presets) remove(name string) {
	if !p.isOwn(name) {
		return
	}
	p.own = slices.DeleteFunc(p.own, func(ps Preset) bool { return ps.Name == name })
	p.store()
	p.Choice.ClearSelected()
	p.prefs.SetString(prefPreset, "")
	p.refresh()
}

func (p *Presets) store() {
	if data, err := json.Marshal(p.own); err == nil {
		p.prefs.SetString(prefPresets, string(data))
	}
}
