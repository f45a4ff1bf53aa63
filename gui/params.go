// Package gui is Vivify's window: the source image, the parameters, the
// gallery, the details of a job and the settings. It renders what the jobs
// engine reports and asks it to do work; it never speaks HTTP. Only the UI
// goroutine touches widgets: background work hands results over through the
// runOnUI function its controllers are given (fyne.Do in the app, a direct
// call in tests).
package gui

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
)

// familyNames are the family chooser's words. words: keys, shown through T
var familyNames = map[client.Family]string{
	client.FamilySeed:    "Standard",
	client.FamilyHD:      "HD",
	client.FamilyPremium: "Premium",
}

// ParamsForm edits every field of a video request, each with a widget that
// fits it, its default, its limits and a one-line hint; the rarely used ones
// sit in a collapsed Advanced section. Problems show next to their field.
type ParamsForm struct {
	// Family and Model choose the model: the endpoint family, then the
	// model by name. ModelInfo says what it is good at, what it makes and
	// what it last cost.
	Family    *widget.Select
	Model     *modelSelect
	ModelInfo *widget.Label
	// The HD and premium models' own fields.
	Resolution     *intSlider
	Portrait       *widget.Check
	Guidance       *floatSlider
	SampleShift    *intSlider
	Duration       *widget.RadioGroup
	Prompt         *SubmitEntry
	NegativePrompt *SubmitEntry
	EnhancePrompt  *widget.Check
	Width, Height  *intSlider
	LockAspect     *widget.Check
	Frames, FPS    *intSlider
	Steps          *intSlider
	MinGuidance    *floatSlider
	MaxGuidance    *floatSlider
	Motion         *intSlider // from calm to wild, in words
	MotionExact    *intSlider // the same, as the number the API takes (Advanced)
	Noise          *floatSlider
	Output         *widget.RadioGroup
	Interpolation  *widget.Select
	ClipSkip       *widget.Select
	Instant        *widget.Check
	Temp           *widget.Check
	Webhook        *SubmitEntry
	TrackID        *SubmitEntry
	Length         *widget.Label // frames and fps as seconds
	Reset          *widget.Button

	// OnChanged is called after any change, with the request as it stands.
	OnChanged func(client.Request)
	// OnSubmit is called for Ctrl+Enter in any of the form's text fields.
	OnSubmit func()

	// CostNote, if set, gives the last cost seen for a model ("" for none).
	CostNote func(client.Model) string
	// OnModelChanged is called with the model whenever the form is set.
	OnModelChanged func(client.Model)

	// Wheel passes the mouse wheel over the form's text fields on to the
	// form (the window sets its target).
	Wheel *wheelRelay

	errors   map[string]*widget.Label
	rows     map[string]fyne.CanvasObject // each field's row, by API name
	notes    map[string]*widget.Label     // "this model may ignore it", by API name
	hints    map[string]*widget.Label     // what each field is for, by API name
	model    client.Model                 // the chosen model
	costText string                       // CostNote's words for the model, kept between changes
	aspect   float64                      // width / height of the source, for the lock
	portrait bool                         // the creator ticked or unticked Portrait
	setting  bool                         // the form is being filled in by SetRequest
	content  fyne.CanvasObject
}

// NewParamsForm returns a form set to the documented defaults.
func NewParamsForm() *ParamsForm {
	f := &ParamsForm{Wheel: &wheelRelay{}, errors: map[string]*widget.Label{}, rows: map[string]fyne.CanvasObject{}, notes: map[string]*widget.Label{},
		hints: map[string]*widget.Label{}}
	changed := func() { f.changed() }
	var families []string
	for _, fam := range client.Families {
		families = append(families, T(familyNames[fam]))
	}
	f.Family = widget.NewSelect(families, func(name string) { f.familyChosen(name) })
	f.Model = newModelSelect(func(label string) { f.modelChosen(label) })
	f.Model.line = func(label string) string {
		for _, m := range client.ModelsOf(f.model.Family) {
			if modelLabel(m) == label {
				return modelLine(m)
			}
		}
		return label
	}
	f.ModelInfo = widget.NewLabel("")
	f.ModelInfo.Wrapping = wordWrap()
	f.ModelInfo.SizeName = theme.SizeNameCaptionText
	f.Resolution = newIntSlider(client.MinResolution, client.MaxResolution, 16, T(" px"), func(int) { changed() })
	f.Portrait = widget.NewCheck(T("Tall video (9:16), for phones"), func(bool) {
		if !f.setting {
			f.portrait = true // the creator's choice now, not the picture's
		}
		changed()
	})
	f.Guidance = newFloatSlider(0, client.HDMaxGuidance, 0.5, func(float64) { changed() })
	f.SampleShift = newIntSlider(0, client.HDMaxSampleShift, 1, "", func(int) { changed() })
	f.Duration = widget.NewRadioGroup(nil, func(string) { changed() })
	f.Duration.Horizontal = true
	f.Duration.Required = true
	f.Prompt = newSubmitEntry(true, &f.OnSubmit)
	f.Prompt.SetPlaceHolder(T("Waves rolling onto the beach, clouds drifting"))
	f.Prompt.SetMinRowsVisible(2)
	f.Prompt.OnChanged = func(string) { changed() }
	f.NegativePrompt = newSubmitEntry(false, &f.OnSubmit)
	f.NegativePrompt.SetPlaceHolder(T("blurry, distorted faces"))
	f.NegativePrompt.OnChanged = func(string) { changed() }
	f.EnhancePrompt = widget.NewCheck(T("Let the service improve my prompt"), func(bool) { changed() })

	f.Width = newIntSlider(client.MinSize, client.MaxSize, 8, T(" px"), func(int) { f.sizeChanged(true) })
	f.Height = newIntSlider(client.MinSize, client.MaxSize, 8, T(" px"), func(int) { f.sizeChanged(false) })
	f.LockAspect = widget.NewCheck(T("Keep the picture's shape"), func(bool) { f.sizeChanged(true) })
	f.LockAspect.Checked = true // a video the shape of its picture, unless asked otherwise
	f.Frames = newIntSlider(1, client.MaxFrames, 1, "", func(int) { changed() })
	f.FPS = newIntSlider(1, client.MaxFPS, 1, T(" fps"), func(int) { changed() })
	f.Length = widget.NewLabel("")
	f.Length.Wrapping = wordWrap() // a sentence: two lines in the longer languages
	f.Steps = newIntSlider(1, client.MaxInferenceSteps, 1, "", func(int) { changed() })
	f.MinGuidance = newFloatSlider(client.MinGuidance, client.MaxGuidance, 0.5, func(float64) { f.guidanceChanged(true) })
	f.MaxGuidance = newFloatSlider(client.MinGuidance, client.MaxGuidance, 0.5, func(float64) { f.guidanceChanged(false) })
	f.Motion = newNumSlider(client.MinMotionBucket, client.MaxMotionBucket, 1, func(v int) { f.motionMoved(v, f.MotionExact) },
		func(s *widget.Slider) int { return int(math.Round(s.Value)) }, motionWord)
	f.MotionExact = newIntSlider(client.MinMotionBucket, client.MaxMotionBucket, 1, "", func(v int) { f.motionMoved(v, f.Motion) })
	f.Noise = newFloatSlider(0, 1, 0.01, func(float64) { changed() })
	f.Output = widget.NewRadioGroup([]string{T("GIF"), T("MP4")}, func(string) { changed() })
	f.Output.Horizontal = true
	f.Output.Required = true
	f.Interpolation = widget.NewSelect([]string{T(blendNames[0]), T(blendNames[1])}, func(string) { changed() })
	f.ClipSkip = widget.NewSelect([]string{T("Default"), "1", "2"}, func(string) { changed() })
	f.Instant = widget.NewCheck(T("Reply at once; Vivify checks back until the video is ready"), func(bool) { changed() })
	f.Temp = widget.NewCheck(T("Temporary storage (the server deletes it after 24 h)"), func(bool) { changed() })
	f.Webhook = newSubmitEntry(false, &f.OnSubmit)
	f.Webhook.SetPlaceHolder(T("https://my-server.example/hook (optional)"))
	f.Webhook.OnChanged = func(string) { changed() }
	f.TrackID = newSubmitEntry(false, &f.OnSubmit)
	f.TrackID.SetPlaceHolder(T("a whole number (optional)"))
	f.TrackID.OnChanged = func(string) { changed() }
	f.Reset = widget.NewButtonWithIcon(T("Reset to defaults"), theme.ContentUndoIcon(), func() {
		// The settings, not what the creator wrote.
		r := client.NewRequestFor(f.model, "")
		r.Prompt, r.NegativePrompt = f.Prompt.Text, f.NegativePrompt.Text
		f.SetRequest(r)
	})

	f.content = f.layout()
	f.SetRequest(client.NewRequest(""))
	return f
}

// refreshCost asks CostNote again for the model's last cost: when the
// model changes, or a video's cost has been measured (RefreshCost), not at
// every move of a slider.
func (f *ParamsForm) refreshCost() {
	f.costText = ""
	if f.CostNote != nil {
		f.costText = f.CostNote(f.model)
	}
}

// RefreshCost shows the model's last cost anew.
func (f *ParamsForm) RefreshCost() {
	f.refreshCost()
	f.changed()
}

// ChosenModel is the model the form is set to.
func (f *ParamsForm) ChosenModel() client.Model { return f.model }

// familyChosen lists the family's models and chooses its first, keeping
// what still means something for it.
func (f *ParamsForm) familyChosen(name string) {
	for _, fam := range client.Families {
		if T(familyNames[fam]) == name && fam != f.model.Family {
			f.chooseModel(client.ModelsOf(fam)[0])
			return
		}
	}
}

// modelChosen switches to the model of the label, within the family.
func (f *ParamsForm) modelChosen(label string) {
	for _, m := range client.ModelsOf(f.model.Family) {
		if modelLabel(m) == label && m.ID != f.model.ID {
			f.chooseModel(m)
			return
		}
	}
}

// chooseModel switches the form to m: the values that still mean
// something for it (prompts, seed, shape) are kept; the rest take m's
// defaults when its family changes.
func (f *ParamsForm) chooseModel(m client.Model) {
	if f.setting {
		return
	}
	old := f.read()
	r := old
	if m.Family != f.model.Family {
		r = client.NewRequestFor(m, "")
		r.Prompt, r.NegativePrompt, r.Seed = old.Prompt, old.NegativePrompt, old.Seed
		r.Portrait = old.Portrait
		if !f.portrait && f.aspect > 0 { // the shape follows the picture
			r.Portrait = f.aspect < 1
		}
	}
	r.ModelID = m.ID
	r.Family = m.Family
	if len(m.Durations) > 0 && !slices.Contains(m.Durations, r.Duration) {
		r.Duration = m.Durations[0]
	}
	if len(m.Durations) == 0 {
		r.Duration = ""
	}
	if !m.EndFrame {
		r.EndImage = ""
	}
	f.SetRequest(r)
}

// showModel shows the rows the model takes, hides the others, and says
// where the seed endpoint's other models may ignore SVD's fields.
func (f *ParamsForm) showModel() {
	m := f.model
	f.Family.SetSelected(T(familyNames[m.Family]))
	var labels []string
	for _, o := range client.ModelsOf(m.Family) {
		labels = append(labels, modelLabel(o))
	}
	f.Model.Options = labels
	f.Model.SetSelected(modelLabel(m))
	for name, row := range f.rows {
		switch name {
		case "model_id", "prompt", "seed":
			continue
		}
		api, _, _ := strings.Cut(name, "#") // a second row of a field
		takes := m.Takes(api) || (api == "width" && m.Takes("height"))
		if takes {
			row.Show()
		} else {
			row.Hide()
		}
		if note := f.notes[name]; note != nil {
			if m.SVDOnly(name) {
				note.SetText(Tf("%s may ignore this: it is documented for Stable Video Diffusion only.", m.Name))
				note.Show()
			} else {
				note.Hide()
			}
		}
	}
	// The prompt's hint says one thing: needed, or not, for this model.
	f.notes["prompt"].Hide()
	if h := f.hints["prompt"]; m.PromptRequired {
		h.SetText(Tf("What should happen in the video. %s needs one: the picture alone is not enough for it.", m.Name))
	} else {
		h.SetText(T(promptHint))
	}
	for _, w := range []fyne.CanvasObject{f.EnhancePrompt, f.Instant, f.Temp} {
		w.Show()
	}
	if !m.Takes("enhance_prompt") {
		f.EnhancePrompt.Hide()
	}
	if !m.Takes("instant_response") {
		f.Instant.Hide()
	}
	if !m.Takes("temp") {
		f.Temp.Hide()
	}
	f.Duration.Options = nil
	for _, d := range m.Durations {
		f.Duration.Options = append(f.Duration.Options, Tf("%s s", d))
	}
	f.Duration.Refresh()
	limit := map[client.Family][2]int{client.FamilySeed: {client.MaxFrames, client.MaxInferenceSteps}, client.FamilyHD: {client.HDMaxFrames, client.HDMaxSteps}}
	if l, ok := limit[m.Family]; ok {
		f.Frames.SetMax(float64(l[0]))
		f.Steps.SetMax(float64(l[1]))
	}
}

// field is a labelled row: the name, the widget, a hint, and a line for the
// field's problem, hidden while there is none.
func (f *ParamsForm) field(name, apiName, hint string, w fyne.CanvasObject) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h := widget.NewLabel(hint)
	h.Wrapping = wordWrap()
	h.SizeName = theme.SizeNameCaptionText
	f.hints[apiName] = h
	e := widget.NewLabel("")
	e.Importance = widget.DangerImportance
	e.Wrapping = wordWrap()
	e.Hide()
	f.errors[apiName] = e
	note := widget.NewLabel("")
	note.Wrapping = wordWrap()
	note.SizeName = theme.SizeNameCaptionText
	note.Importance = widget.WarningImportance
	note.Hide()
	f.notes[apiName] = note
	row := container.NewVBox(title, w, h, note, e)
	f.rows[apiName] = row
	return row
}

// promptHint is the prompt's hint for a model that needs none.
const promptHint = "What should happen in the video. Optional: the picture alone is enough."

func (f *ParamsForm) layout() fyne.CanvasObject {
	modelRow := f.field(T("Model"), "model_id", T("Standard models are quick and small; HD makes 720p; premium models take minutes."),
		container.NewVBox(container.New(layout.NewFormLayout(), widget.NewLabel(T("Kind")), f.Family, widget.NewLabel(T("Model")), f.Model), f.ModelInfo))
	// Motion and the prompt first: they are what a creator changes most.
	basic := container.NewVBox(
		f.field(T("Motion"), "motion_bucket_id", T("How much moves, from calm (left: a gentle sway) to wild (right: a lot of movement)."), f.Motion),
		f.field(T("Prompt"), "prompt", T(promptHint), f.Wheel.over(f.Prompt)),
		modelRow,
		f.field(T("Size"), "width", T("Width and height of the video, up to 512 pixels."),
			container.NewVBox(container.New(layout.NewFormLayout(),
				widget.NewLabel(T("Width")), f.Width, widget.NewLabel(T("Height")), f.Height), f.LockAspect)),
		f.field(T("Resolution"), "resolution", T("The short side of the video: 480 is a quick draft, 720 the best."),
			container.NewVBox(f.Resolution, f.Portrait)),
		f.field(T("Length"), "duration", T("How long the video is, in seconds."), f.Duration),
		f.field(T("Frames"), "num_frames", T("How many pictures the video has."), f.Frames),
		f.field(T("Speed"), "fps", T("Frames per second: more is smoother and shorter."), container.NewVBox(f.FPS, f.Length)),
		f.field(T("Format"), "output_type", T("GIF plays everywhere; MP4 is smaller and sharper."), f.Output),
	)
	f.errors["height"] = f.errors["width"] // one line for the size
	f.errors["portrait"] = f.errors["resolution"]
	fine := container.NewVBox(
		f.field(T("Avoid"), "negative_prompt", T("What should not appear."), f.Wheel.over(f.NegativePrompt)),
		f.field(T("Motion, as a number"), "motion_bucket_id#exact", T("The motion above as the number the service takes: 1 is calmest, 255 wildest."), f.MotionExact),
		f.field(T("Guidance"), "guidance_scale", T("How closely the video follows the prompt (0 to 8)."), f.Guidance),
		f.field(T("Sample shift"), "sample_shift", T("How far each step may change the picture: 5 suits most videos."), f.SampleShift),
		f.EnhancePrompt,
		f.field(T("Steps"), "num_inference_steps", T("More steps: finer detail, slower (up to 50)."), f.Steps),
		f.field(T("Guidance, from"), "min_guidance_scale", T("How closely the first frames follow the picture (1 to 8)."), f.MinGuidance),
		f.field(T("Guidance, to"), "max_guidance_scale", T("…and the last frames. Never below the first value."), f.MaxGuidance),
		f.field(T("Noise"), "noise_aug_strength", T("A little noise (0.02) lets the video stray further from the picture."), f.Noise),
	)
	devNote := widget.NewLabel(T("For people connecting Vivify to their own software. Leave these as they are to make videos."))
	devNote.Wrapping = wordWrap()
	devNote.Importance = widget.LowImportance
	developers := container.NewVBox(devNote,
		f.field(T("Frame blending"), "latent_interpolation_method", T("How the model blends one frame into the next inside it. Both look alike in most videos."), f.Interpolation),
		f.field(T("Prompt reading"), "clip_skip", T("How the model reads the prompt (its clip skip). Default suits almost every prompt."), f.ClipSkip),
		f.Instant, f.Temp,
		f.field(T("Webhook"), "webhook", T("An address of your own server that ModelsLab calls when the video is ready. Vivify does not need it."), f.Wheel.over(f.Webhook)),
		f.field(T("Track id"), "track_id", T("A number of yours sent back to that address, to match results."), f.Wheel.over(f.TrackID)),
	)
	return container.NewVBox(basic, foldAway(T("Advanced: fine-tuning"), fine), foldAway(T("Advanced: for developers"), developers),
		container.NewHBox(f.Reset))
}

// foldAway is a section shown by its title, a button that opens and closes
// it: reached with Tab and pressed with Space, as Fyne's accordion headers
// could not be.
func foldAway(title string, content fyne.CanvasObject) fyne.CanvasObject {
	content.Hide()
	var b *widget.Button
	b = widget.NewButtonWithIcon(title, theme.MenuExpandIcon(), func() {
		if content.Visible() {
			content.Hide()
			b.SetIcon(theme.MenuExpandIcon())
		} else {
			content.Show()
			b.SetIcon(theme.MenuDropDownIcon())
		}
	})
	b.Alignment = widget.ButtonAlignLeading
	b.Importance = widget.LowImportance
	return container.NewVBox(b, content)
}

// Content is the form's widgets, for placing in the window.
func (f *ParamsForm) Content() fyne.CanvasObject { return f.content }

// SetRequest fills the form from r (its image is not part of the form).
func (f *ParamsForm) SetRequest(r client.Request) {
	f.setting = true
	defer func() {
		// Presets, Reuse settings and Reset carry a size of their own;
		// the picture's shape is kept all the same.
		f.fitToPicture()
		f.setting = false
		f.refreshCost()
		f.changed()
		if f.OnModelChanged != nil {
			f.OnModelChanged(f.model)
		}
	}()
	m, ok := r.Model()
	if !ok { // an id the catalogue does not have: its family's first model
		m = client.ModelsOf(r.Family)[0]
	}
	f.model = m
	f.showModel()
	f.Resolution.SetValue(r.Resolution)
	f.Portrait.SetChecked(r.Portrait)
	f.Guidance.SetValue(r.GuidanceScale)
	f.SampleShift.SetValue(r.SampleShift)
	switch {
	case r.Duration != "" && slices.Contains(m.Durations, r.Duration):
		f.Duration.SetSelected(Tf("%s s", r.Duration))
	case len(m.Durations) > 0:
		f.Duration.SetSelected(Tf("%s s", m.Durations[0]))
	default:
		f.Duration.Selected = "" // none: the model takes no length
		f.Duration.Refresh()
	}
	f.Prompt.SetText(r.Prompt)
	f.NegativePrompt.SetText(r.NegativePrompt)
	f.EnhancePrompt.SetChecked(r.EnhancePrompt)
	f.Width.SetValue(r.Width)
	f.Height.SetValue(r.Height)
	f.Frames.SetValue(r.NumFrames)
	f.FPS.SetValue(r.FPS)
	f.Steps.SetValue(r.NumInferenceSteps)
	f.MinGuidance.SetValue(r.MinGuidanceScale)
	f.MaxGuidance.SetValue(r.MaxGuidanceScale)
	f.Motion.SetValue(r.MotionBucketID)
	f.MotionExact.SetValue(r.MotionBucketID)
	f.Noise.SetValue(r.NoiseAugStrength)
	f.Output.SetSelected(strings.ToUpper(r.OutputType))
	f.Interpolation.SetSelected(blendName(r.LatentInterpolationMethod))
	if r.ClipSkip == nil {
		f.ClipSkip.SetSelected(T("Default"))
	} else {
		f.ClipSkip.SetSelected(strconv.Itoa(*r.ClipSkip))
	}
	f.Instant.SetChecked(r.InstantResponse)
	f.Temp.SetChecked(r.Temp)
	f.Webhook.SetText(r.Webhook)
	if r.TrackID == nil {
		f.TrackID.SetText("")
	} else {
		f.TrackID.SetText(strconv.FormatInt(*r.TrackID, 10))
	}
}

// Request reads the form into a request for initImage, and validates it:
// the error (a *client.Error of kind ErrValidation) lists every problem,
// which the form also shows next to its field.
func (f *ParamsForm) Request(initImage string) (client.Request, error) {
	r := f.read()
	r.InitImage = initImage
	var trackErr *client.FieldError
	if t := strings.TrimSpace(f.TrackID.Text); t != "" {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			r.TrackID = &n
		} else {
			trackErr = &client.FieldError{Field: "track_id", Message: T("The track id must be a whole number.")}
		}
	}
	err := r.Validate()
	var fields []client.FieldError
	if e, ok := err.(*client.Error); ok {
		fields = e.Fields
	}
	if trackErr != nil {
		fields = append(fields, *trackErr)
		if err == nil {
			err = &client.Error{Kind: client.ErrValidation, Op: T("check the settings"), Fields: fields, Unsent: true}
		} else {
			err.(*client.Error).Fields = fields
		}
	}
	f.showErrors(fields)
	return r, err
}

func (f *ParamsForm) read() client.Request {
	m := f.model
	r := client.Request{
		ModelID:                   m.ID,
		Prompt:                    strings.TrimSpace(f.Prompt.Text),
		NegativePrompt:            strings.TrimSpace(f.NegativePrompt.Text),
		EnhancePrompt:             f.EnhancePrompt.Checked,
		Width:                     f.Width.Value(),
		Height:                    f.Height.Value(),
		NumFrames:                 f.Frames.Value(),
		NumInferenceSteps:         f.Steps.Value(),
		MinGuidanceScale:          f.MinGuidance.Value(),
		MaxGuidanceScale:          f.MaxGuidance.Value(),
		MotionBucketID:            f.Motion.Value(),
		NoiseAugStrength:          f.Noise.Value(),
		FPS:                       f.FPS.Value(),
		OutputType:                strings.ToLower(f.Output.Selected),
		LatentInterpolationMethod: blendMethod(f.Interpolation.Selected),
		InstantResponse:           f.Instant.Checked,
		Temp:                      f.Temp.Checked,
		Webhook:                   strings.TrimSpace(f.Webhook.Text),
	}
	if n, err := strconv.Atoi(f.ClipSkip.Selected); err == nil {
		r.ClipSkip = &n
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(f.TrackID.Text), 10, 64); err == nil {
		r.TrackID = &n
	}
	switch m.Family {
	case client.FamilyHD:
		r.Family = m.Family
		r.Resolution, r.Portrait = f.Resolution.Value(), f.Portrait.Checked
		r.GuidanceScale, r.SampleShift = f.Guidance.Value(), f.SampleShift.Value()
		r.OutputType = client.OutputMP4
	case client.FamilyPremium:
		r.Family = m.Family
		r.Portrait = f.Portrait.Checked
		// Only a length the model takes: the radio keeps the last model's
		// choice while its row is hidden for one that takes none.
		if d := durationOf(f.Duration.Selected, m.Durations); slices.Contains(m.Durations, d) {
			r.Duration = d
		}
		r.OutputType = client.OutputMP4
	}
	return r
}

// showErrors puts each field's problem next to it, and hides the others.
func (f *ParamsForm) showErrors(fields []client.FieldError) {
	msgs := map[*widget.Label][]string{}
	for _, fe := range fields {
		if l := f.errors[fe.Field]; l != nil {
			msgs[l] = append(msgs[l], fieldWords(fe))
		}
	}
	for _, l := range f.errors {
		if m := msgs[l]; len(m) > 0 {
			l.SetText(strings.Join(m, " "))
			l.Show()
		} else {
			l.Hide()
		}
	}
}

// SetSourceAspect tells the form the chosen image's width / height, for the
// aspect lock; 0 when there is no image.
func (f *ParamsForm) SetSourceAspect(aspect float64) {
	f.aspect = aspect
	f.portrait = false // a new picture: its shape decides again
	was := f.setting
	f.setting = true
	f.fitToPicture()
	f.setting = was
	f.changed()
}

// fitToPicture gives the video the picture's shape, unless the creator
// chose otherwise: the orientation of the models that take one (until
// Portrait is ticked or unticked by hand), and the width and height of the
// standard models while "Keep the picture's shape" is ticked. The video's
// long side stays as long; the picture's shape decides which side that is.
// The caller holds f.setting.
func (f *ParamsForm) fitToPicture() {
	if f.aspect <= 0 {
		return
	}
	if !f.portrait {
		f.Portrait.SetChecked(f.aspect < 1)
	}
	if !f.LockAspect.Checked {
		return
	}
	long := max(f.Width.Value(), f.Height.Value())
	var w, h int
	if f.aspect >= 1 {
		w = long
		h = fitStep(float64(w)/f.aspect, 8)
	} else {
		h = long
		w = fitStep(float64(h)*f.aspect, 8)
	}
	f.Width.SetValue(w)
	f.Height.SetValue(h)
}

func (f *ParamsForm) sizeChanged(widthMoved bool) {
	if !f.setting && !f.portrait && f.aspect > 0 {
		// The shape of the video follows the picture, until the creator
		// ticks or unticks Portrait.
		f.setting = true
		f.Portrait.SetChecked(f.aspect < 1)
		f.setting = false
	}
	if !f.setting && f.LockAspect.Checked && f.aspect > 0 {
		f.setting = true
		w, h := f.Width.Value(), f.Height.Value()
		if widthMoved {
			h = fitStep(float64(w)/f.aspect, 8)
			if float64(w)/f.aspect > float64(client.MaxSize) { // too tall: the height is the limit
				w = fitStep(float64(h)*f.aspect, 8)
			}
		} else {
			w = fitStep(float64(h)*f.aspect, 8)
			if float64(h)*f.aspect > float64(client.MaxSize) {
				h = fitStep(float64(w)/f.aspect, 8)
			}
		}
		f.Width.SetValue(w)
		f.Height.SetValue(h)
		f.setting = false
	}
	f.changed()
}

// motionMoved keeps the two motion sliders together.
func (f *ParamsForm) motionMoved(v int, other *intSlider) {
	if other != nil && other.Value() != v {
		other.SetValue(v)
	}
	f.changed()
}

// The frame blending choices, in words, for the API's methods. words: keys, shown through T
var (
	blendNames   = []string{"Standard (lerp)", "Rounder (slerp)"}
	blendMethods = []string{client.InterpolationLerp, client.InterpolationSlerp}
)

func blendName(method string) string {
	for i, m := range blendMethods {
		if m == method {
			return T(blendNames[i])
		}
	}
	return T(blendNames[0])
}

func blendMethod(name string) string {
	for i, n := range blendNames {
		if T(n) == name {
			return blendMethods[i]
		}
	}
	return blendMethods[0]
}

// motionWord says how much a motion value (1 to 255) moves, from calm to
// wild.
func motionWord(v int) string {
	switch {
	case v <= 50:
		return T("Calm")
	case v <= 110:
		return T("Gentle")
	case v <= 150:
		return T("Medium")
	case v <= 200:
		return T("Lively")
	}
	return T("Wild")
}

// fitStep rounds v to a multiple of step within the size limits.
func fitStep(v float64, step int) int {
	n := int(math.Round(v/float64(step))) * step
	return min(max(n, client.MinSize), client.MaxSize)
}

func (f *ParamsForm) guidanceChanged(minMoved bool) {
	if !f.setting {
		f.setting = true
		if minMoved && f.MinGuidance.Value() > f.MaxGuidance.Value() {
			f.MaxGuidance.SetValue(f.MinGuidance.Value())
		}
		if !minMoved && f.MaxGuidance.Value() < f.MinGuidance.Value() {
			f.MinGuidance.SetValue(f.MaxGuidance.Value())
		}
		f.setting = false
	}
	f.changed()
}

func (f *ParamsForm) changed() {
	if f.Length == nil || f.setting {
		return
	}
	r := f.read()
	m := f.model
	w, h := m.Size(r)
	secs := m.Seconds(r)
	if m.Video.FPS == 0 {
		f.Length.SetText(Tf("%d frames at %d fps: a %.1f-second video", r.NumFrames, r.FPS, secs))
	}
	info := T(m.Blurb) + Tf(" Makes a %.1f-second video of %d × %d pixels.", secs, w, h)
	if by, ok := client.LookupModel(m.Family, m.ServedBy); ok {
		info += Tf(" The service runs %s for it today.", by.Name)
	}
	if f.costText != "" {
		info += " " + f.costText
	}
	f.ModelInfo.SetText(info)
	f.recheckShownErrors(r)
	if f.OnChanged != nil {
		f.OnChanged(r)
	}
}

// recheckShownErrors keeps the notes already shown true as the form
// changes: a field corrected (a prompt typed, a model that does not take
// it chosen) loses its note at once, and one still wrong says what is
// wrong now. No new note appears before Generate is pressed.
func (f *ParamsForm) recheckShownErrors(r client.Request) {
	shown := false
	for _, l := range f.errors {
		shown = shown || l.Visible()
	}
	if !shown {
		return
	}
	r.InitImage = "https://example.com/a.png"
	msgs := map[string][]string{}
	var e *client.Error
	if errors.As(r.Validate(), &e) {
		for _, fe := range e.Fields {
			msgs[fe.Field] = append(msgs[fe.Field], fieldWords(fe))
		}
	}
	for field, l := range f.errors {
		if !l.Visible() {
			continue
		}
		if m := msgs[field]; len(m) > 0 {
			l.SetText(strings.Join(m, " "))
		} else {
			l.Hide()
		}
	}
}

// durationOf is the length in seconds ("5") that the Length choice shown
// ("5 s") stands for, among the model's.
func durationOf(shown string, durations []string) string {
	for _, d := range durations {
		if Tf("%s s", d) == shown {
			return d
		}
	}
	return ""
}
