package gui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/finish"
	"vivify/internal/diskspace"
	"vivify/jobs"
	"vivify/preview"
)

// FinishPanel makes a finished video ready to post: a loop without a jump,
// smoother motion, 2x, a trim, a speed, and an export for where it is
// going. Every change plays in the player before anything is written; each
// export is a new version in the job's folder, and the original is never
// changed.
type FinishPanel struct {
	d      *Details
	job    jobs.Job
	base   *preview.Animation // the original, as the player holds it
	recipe finish.Recipe

	loop        *widget.Select
	smoother    *widget.Select
	smoothFPS   []int // the frame rates smoother offers, by option
	bigger      *widget.Check
	trim        *TrimBar
	trimRow     *fyne.Container // under the player
	trimWords   *widget.Label
	speed       *widget.Slider
	speedWords  *widget.Label
	preset      *widget.Select
	presets     []finish.Preset
	plan        *widget.Label
	missing     *widget.Label // what needs ffmpeg, when there is none
	save        *widget.Button
	progress    *widget.ProgressBar
	progressRow *fyne.Container
	left        *widget.Label     // what is being made
	timeLeft    string            // in the progress bar
	hint        *widget.Label     // what the choices do
	content     *container.Scroll // the choices
	panel       fyne.CanvasObject // all of it

	previewStop context.CancelFunc // the in-between frames being worked out
	previewGen  int
	shown       previewKey // what the player plays
	hasShown    bool
	// The frames in between last worked out, and for what.
	smoothKey    finish.Recipe
	smoothFrames []preview.Frame

	exporting context.CancelFunc // the export running, if any (UI goroutine only)
}

// Loop choices, as the panel words them.
const (
	loopNone      = "As made"
	loopBoomerang = "Boomerang"
	loopCrossfade = "Crossfade"
)

func newFinishPanel(d *Details) *FinishPanel {
	f := &FinishPanel{d: d}
	// A list rather than three radio buttons: on a small screen the
	// panel's height is what runs out first.
	f.loop = widget.NewSelect([]string{T(loopNone), T(loopBoomerang), T(loopCrossfade)}, func(s string) {
		f.recipe.Loop = map[string]finish.Loop{T(loopBoomerang): finish.LoopBoomerang, T(loopCrossfade): finish.LoopCrossfade}[s]
		f.changed()
	})
	f.smoother = widget.NewSelect(nil, func(s string) {
		f.recipe.FPS = 0
		if i := f.smoother.SelectedIndex(); i > 0 {
			f.recipe.FPS = f.smoothFPS[i]
		}
		f.changed()
	})
	f.bigger = widget.NewCheck(T("2x bigger"), func(on bool) {
		f.recipe.Double = on
		f.changed()
	})
	f.trim = NewTrimBar(1)
	f.trim.OnMoving = f.showBaseFrame
	f.trim.OnChanged = func(from, to int) {
		f.recipe.From, f.recipe.To = from, to
		f.changed()
	}
	f.trimWords = widget.NewLabel("")
	f.trimWords.Wrapping = wordWrap() // two lines in the longer languages
	f.trimWords.SizeName = theme.SizeNameCaptionText
	whole := widget.NewButton(T("Whole clip"), func() {
		f.trim.SetRange(0, len(f.base.Frames))
		f.recipe.From, f.recipe.To = 0, 0
		f.changed()
	})
	f.trimRow = container.NewBorder(nil, nil, widget.NewLabel(T("Trim")), container.NewCenter(whole), container.NewVBox(f.trim, f.trimWords))
	f.trimRow.Hide()
	f.speed = widget.NewSlider(0.5, 2)
	f.speed.Step = 0.25
	f.speed.Value = 1
	f.speedWords = widget.NewLabel("1×")
	f.speed.OnChanged = func(v float64) { f.speedWords.SetText(speedWords(v)) }
	f.speed.OnChangeEnded = func(v float64) {
		f.recipe.Speed = v
		f.changed()
	}
	f.preset = widget.NewSelect(nil, func(string) { f.changed() })
	f.plan = widget.NewLabel("")
	f.plan.Wrapping = wordWrap()
	f.plan.SizeName = theme.SizeNameCaptionText
	f.missing = widget.NewLabel("")
	f.missing.Wrapping = wordWrap()
	f.missing.Importance = widget.WarningImportance
	f.missing.Hide()
	f.save = widget.NewButtonWithIcon(T("Save this version"), theme.DocumentSaveIcon(), f.export)
	f.save.Importance = widget.HighImportance
	f.progress = widget.NewProgressBar()
	f.progress.TextFormatter = func() string {
		s := fmt.Sprintf("%d%%", int(f.progress.Value*100))
		if f.timeLeft != "" {
			s += " · " + f.timeLeft
		}
		return s
	}
	f.left = widget.NewLabel("")
	f.left.Wrapping = wordWrap()
	f.left.SizeName = theme.SizeNameCaptionText
	cancel := widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), f.cancelExport)
	f.progressRow = container.NewVBox(f.left, container.NewBorder(nil, nil, nil, cancel, f.progress))
	f.progressRow.Hide()
	back := widget.NewButtonWithIcon(T("Back"), theme.NavigateBackIcon(), d.closeFinish)
	title := widget.NewLabelWithStyle(T("Finish"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.hint = widget.NewLabel(T("Boomerang plays it forwards, then back; Crossfade dissolves the end into the start: either loops without a jump. Smoother makes the frames in between by following the motion. Changes play at once; saving adds a version and the original stays as it is."))
	f.hint.Wrapping = wordWrap()
	f.hint.SizeName = theme.SizeNameCaptionText
	edits := container.New(layout.NewFormLayout(),
		widget.NewLabel(T("Loop")), f.loop,
		widget.NewLabel(T("Smoother")), f.smoother,
		widget.NewLabel(T("Size")), f.bigger,
		widget.NewLabel(T("Speed")), container.NewBorder(nil, nil, nil, f.speedWords, f.speed),
	)
	// The choices and the export scroll; Save stays in view below them.
	// The choices come first, the words about them last: in the longer
	// languages the words took the room the export needed at 1024×640.
	f.content = container.NewVScroll(container.NewVBox(edits, f.missing, widget.NewSeparator(),
		container.New(layout.NewFormLayout(), widget.NewLabel(T("Export")), f.preset), f.plan, widget.NewSeparator(), f.hint))
	// Built in the order Tab should walk it: Back, the choices, the export.
	top := container.NewBorder(nil, nil, nil, back, title)
	bottom := container.NewVBox(f.save, f.progressRow)
	f.panel = container.New(layout.NewBorderLayout(top, bottom, nil, nil), top, f.content, bottom)
	return f
}

func speedWords(v float64) string { return Num(v, 2) + "×" }

// open sets the panel up for job j, whose original the player holds as a.
func (f *FinishPanel) open(j jobs.Job, a *preview.Animation) {
	f.job, f.base = j, a
	f.recipe = finish.Recipe{}
	f.hasShown = false
	f.smoothFrames = nil
	f.trim.SetFrames(len(a.Frames))
	f.loop.SetSelected(T(loopNone))
	f.bigger.SetChecked(false)
	f.speed.SetValue(1)
	f.speedWords.SetText(speedWords(1))
	w, h := a.Width, a.Height
	f.bigger.Text = Tf("2x: %d × %d", 2*w, 2*h)
	f.bigger.Refresh()

	hasFFmpeg := preview.FFmpeg != ""
	rate := finish.FrameRate(a.Frames)
	f.smoothFPS = []int{0}
	opts := []string{T("As made")} // its rate is in what the file will be
	for _, fps := range []int{24, 30} {
		if float64(fps) > rate+1 {
			f.smoothFPS = append(f.smoothFPS, fps)
			opts = append(opts, Tf("%d fps", fps))
		}
	}
	f.smoother.Options = opts
	f.smoother.SetSelectedIndex(0)
	if !hasFFmpeg || len(opts) == 1 {
		f.smoother.Disable()
	} else {
		f.smoother.Enable()
	}

	ext := strings.ToLower(filepath.Ext(j.Output))
	f.presets = nil
	var names []string
	for _, p := range append([]finish.Preset{finish.Original(ext)}, finish.Presets...) {
		if p.NeedsFFmpeg() && !hasFFmpeg {
			continue
		}
		f.presets = append(f.presets, p)
		names = append(names, presetWords(p))
	}
	f.preset.Options = names
	if len(names) > 1 {
		f.preset.SetSelectedIndex(1) // the chat GIF: the export asked for most
	} else {
		f.preset.SetSelectedIndex(0)
	}
	if hasFFmpeg {
		f.missing.Hide()
	} else {
		f.missing.SetText(Tf("Smoother motion and the MP4 and WebM exports need ffmpeg, which is not here. %s Loops, trims, speed, 2x and GIFs work without it.", ffmpegAdvice(runtime.GOOS)))
		f.missing.Show()
	}
	f.trimRow.Show()
	f.changed()
}

func fpsWords(r float64) string {
	if math.Abs(r-math.Round(r)) < 0.05 {
		return strconv.Itoa(int(math.Round(r)))
	}
	return Num(r, 1)
}

// presetName is the export's name in the window's language.
func presetName(p finish.Preset) string {
	if p.Suffix == "" && p.Limit == 0 && p.Aspect == [2]int{} && p.Name == finish.Original(p.Ext).Name {
		return Tf("Same kind as made (%s)", strings.ToUpper(strings.TrimPrefix(p.Ext, ".")))
	}
	return T(p.Name)
}

func presetWords(p finish.Preset) string {
	s := presetName(p)
	if p.Limit > 0 {
		s += Tf(" · under %s", sizeWords(p.Limit))
	}
	return s
}

// sizeWords is a file's size in words: "8.7 MB", "120 KB".
func sizeWords(n int64) string {
	switch {
	case n >= 1_000_000:
		return Tf("%s MB", Num(float64(n)/1e6, 1))
	case n >= 1000:
		return Tf("%s KB", strconv.FormatInt(n/1000, 10))
	}
	return Tf("%s bytes", strconv.FormatInt(n, 10))
}

// close stops the preview's work (not an export: it goes on) and hides the
// trim bar.
func (f *FinishPanel) close() {
	if f.previewStop != nil {
		f.previewStop()
		f.previewStop = nil
	}
	f.previewGen++
	f.trimRow.Hide()
}

// showBaseFrame shows the original's frame i, paused: where a trim handle
// is being moved to.
func (f *FinishPanel) showBaseFrame(i int) {
	f.hasShown = false
	p := f.d.player
	if p.Animation() != f.base {
		p.SetAnimation(f.base)
	}
	p.Pause()
	p.Seek(f.base.Start(min(i, len(f.base.Frames)-1)))
}

// changed plays the recipe in the player: at once for what is done in Go,
// and once the in-between frames are worked out for Smoother.
func (f *FinishPanel) changed() {
	if f.base == nil {
		return
	}
	from, to := f.trim.Range()
	f.trimWords.SetText(Tf("Frames %d to %d of %d: %.1f s of %.1f s kept", from+1, to, len(f.base.Frames), (f.base.Start(to-1) + f.base.Frames[to-1].Delay - f.base.Start(from)).Seconds(), f.base.Duration.Seconds()))
	if f.previewStop != nil {
		f.previewStop()
		f.previewStop = nil
	}
	// 2x does not change what plays, nor does an export but for its
	// shape; the frames in between are not worked out again for either.
	p, _ := f.chosen()
	r := f.recipe
	r.Double = false
	key := previewKey{r, p.Aspect}
	if f.hasShown && key == f.shown {
		f.showPlan()
		return
	}
	f.previewGen++
	gen := f.previewGen
	frames, err := finish.Apply(f.base.Frames, f.recipe)
	if err != nil {
		f.plan.SetText(Tf("This cannot be done: %s", problemWords(err)))
		return
	}
	f.showPlan()
	f.hasShown = false
	play := func(frames []preview.Frame) {
		f.shown, f.hasShown = key, true
		a := preview.Indexed(&preview.Animation{Frames: frames, Width: f.base.Width, Height: f.base.Height})
		f.d.player.SetAnimation(a)
		f.d.player.Play()
	}
	smooth := r.FPS > 0 && (f.smoothFrames == nil || f.smoothKey != r)
	if r.FPS > 0 && !smooth {
		frames = f.smoothFrames
	}
	if !smooth && p.Aspect == [2]int{} {
		play(frames)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	f.previewStop = stop
	if smooth {
		f.d.player.SetPoster(f.base.Frames[0].Image, T("Working out the frames in between…"), "", nil)
	}
	long := max(f.base.Frames[0].Image.Rect.Dx(), f.base.Frames[0].Image.Rect.Dy())
	go func() {
		var err error
		var smoothed []preview.Frame
		if smooth {
			last := time.Now()
			smoothed, err = finish.Interpolate(ctx, frames, r.FPS, func(p float64) {
				if time.Since(last) < 200*time.Millisecond {
					return
				}
				last = time.Now()
				f.d.deps.RunOnUI(func() {
					if gen == f.previewGen {
						f.d.player.SetPoster(f.base.Frames[0].Image, Tf("Working out the frames in between… %d%%", int(p*100)), "", nil)
					}
				})
			})
			frames = smoothed
		}
		if err == nil && p.Aspect != [2]int{} {
			frames, err = finish.Framed(frames, p.Aspect, long)
		}
		f.d.deps.RunOnUI(func() {
			if smoothed != nil {
				f.smoothKey, f.smoothFrames = r, smoothed
			}
			if gen != f.previewGen {
				return
			}
			f.previewStop = nil
			if err != nil {
				f.d.player.SetPoster(nil, Tf("The preview could not be made: %s", problemWords(err)), "", nil)
				return
			}
			play(frames)
		})
	}()
}

// previewKey is what the player's preview shows: the recipe but for its
// size, in the export's shape.
type previewKey struct {
	r      finish.Recipe
	aspect [2]int
}

// chosen is the export chosen.
func (f *FinishPanel) chosen() (finish.Preset, bool) {
	i := f.preset.SelectedIndex()
	if i < 0 || i >= len(f.presets) {
		return finish.Preset{}, false
	}
	return f.presets[i], true
}

// showPlan says what the file will be, before it is written.
func (f *FinishPanel) showPlan() {
	p, ok := f.chosen()
	if !ok || f.base == nil {
		return
	}
	pl, err := finish.PlanFor(f.base.Frames, f.base.Width, f.base.Height, f.recipe, p)
	if err != nil {
		f.plan.SetText(errorText(err))
		return
	}
	kind := strings.ToUpper(strings.TrimPrefix(p.Ext, "."))
	s := Tf("For %s.\nIt will be: %s, %d × %d, %.1f s, %s frames a second (fps).", T(p.For), kind, pl.Width, pl.Height, pl.Seconds, fpsWords(pl.FPS))
	switch {
	case p.Limit > 0 && p.Ext == ".gif":
		s += Tf(" Under %s: if it is larger, it gives up colours, then size, then frames, until it fits.", sizeWords(p.Limit))
	case p.Limit > 0:
		s += Tf(" Under %s: if it is larger, it is made again at a lower quality.", sizeWords(p.Limit))
	}
	if p.Aspect != [2]int{} {
		s += T(" The video is fitted inside, over a blurred, darker copy of itself.")
	}
	if f.job.FullOfVersions() {
		s += "\n" + fullOfVersions()
		f.save.Disable()
	} else {
		f.save.Enable()
	}
	f.plan.SetText(s)
}

// fullOfVersions says why Save is off when a video has all its versions.
func fullOfVersions() string {
	return Tf("This video has %d versions, the most Vivify keeps for one video. Delete one of them (its menu, in the list of versions) to save another.", jobs.MaxVersions)
}

// versionName is what the version is called: what was done, then where it
// is for ("boomerang 24fps chat").
func (f *FinishPanel) versionName(p finish.Preset) (file, label string) {
	words := f.recipe.Words(len(f.base.Frames))
	what := strings.TrimSpace(words + " " + p.Suffix)
	if what == "" {
		what = "copy" // words: not shown (the file's name)
	}
	label = presetName(p)
	if said := recipeWords(f.recipe, len(f.base.Frames)); said != "" {
		label = said + " · " + presetName(p)
	}
	return jobs.VersionFile(f.job, what, p.Ext), label
}

// recipeWords are the recipe's Words in the window's language, for the
// version's label (its file keeps the English words).
func recipeWords(r finish.Recipe, frames int) string {
	var w []string
	if r.From > 0 || (r.To > 0 && r.To < frames) {
		w = append(w, T("trimmed"))
	}
	if r.Speed != 0 && r.Speed != 1 {
		w = append(w, Tf("%sx speed", Num(r.Speed, 2)))
	}
	switch r.Loop {
	case finish.LoopBoomerang:
		w = append(w, T("boomerang"))
	case finish.LoopCrossfade:
		w = append(w, T("loop"))
	}
	if r.FPS > 0 {
		w = append(w, Tf("%d fps", r.FPS))
	}
	if r.Double {
		w = append(w, T("2x"))
	}
	return strings.Join(w, " ")
}

// export writes the version: the original decoded at its own size,
// finished, and written, off the UI goroutine, with a progress bar, the
// time left, and Cancel.
func (f *FinishPanel) export() {
	p, ok := f.chosen()
	if !ok || f.base == nil {
		return
	}
	if f.exporting != nil {
		return
	}
	if f.job.FullOfVersions() {
		f.d.say(fullOfVersions())
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.exporting = cancel
	j, r := f.job, f.recipe
	file, label := f.versionName(p)
	dest := filepath.Join(j.Folder, file)
	src := j.File(j.Output) // a file of the job's own, not a link
	if src == "" {
		cancel()
		f.exporting = nil
		f.d.say(T("The video is not in its folder as a file of its own, so no version can be made of it."))
		return
	}
	f.save.Hide()
	f.timeLeft = ""
	f.progress.SetValue(0)
	f.left.SetText(T("Reading the video…"))
	f.progressRow.Show()
	go func() {
		// What the previews left behind goes back to the system first:
		// the export holds a few frames, and the peak is the player's
		// frames and those.
		debug.FreeOSMemory()
		start := time.Now()
		last := time.Time{}
		// At the video's full size, whatever its length: ExportFile keeps
		// its frames on the disk beside it, and holds a few in memory.
		res, err := finish.ExportFile(ctx, src, r, p, dest, func(done float64) {
			if time.Since(last) < 150*time.Millisecond {
				return
			}
			last = time.Now()
			left := ""
			if el := time.Since(start); done > 0.05 {
				left = timeLeftWords(time.Duration(float64(el) * (1 - done) / done))
			}
			f.d.deps.RunOnUI(func() {
				f.timeLeft = left
				f.progress.SetValue(done)
				f.left.SetText(Tf("Making %s…", file))
			})
		})
		if err == nil {
			_, err = f.d.deps.Engine.AddVersion(j.ID, jobs.Version{File: file, Label: label, Width: res.Width, Height: res.Height, Seconds: res.Seconds})
		}
		f.d.deps.RunOnUI(func() {
			f.exporting = nil
			cancel()
			f.save.Show()
			f.progressRow.Hide()
			switch {
			case errors.Is(err, context.Canceled):
				f.d.say(T("The export was cancelled; nothing was written."))
			case errors.Is(err, diskspace.ErrNoRoom):
				f.d.say(Tf("There is not enough room on the disk: %s. Free some space, or trim the video, and save again. Nothing was written.", problemWords(err)))
			case errors.Is(err, finish.ErrCannotFit):
				f.d.say(Tf("%s cannot be made under %s, even with fewer colours, a smaller size and fewer frames. Trim it or make it faster, or choose another export. Nothing was written.", presetName(p), sizeWords(p.Limit)))
			case err != nil:
				f.d.say(Tf("The version could not be made: %s. Nothing was written.", problemWords(err)))
			default:
				msg := Tf("Saved a version: %s, %s", file, sizeWords(res.Bytes))
				if p.Limit > 0 {
					msg += Tf(" (under %s)", sizeWords(p.Limit))
				}
				if res.GaveUp != "" {
					msg += Tf("; to fit it has %s", gaveUpWords(res))
				}
				f.d.say(msg + ".")
			}
		})
	}()
}

// ffmpegAdvice says how to get ffmpeg on the system goos.
func ffmpegAdvice(goos string) string {
	switch goos {
	case "windows":
		return T("Vivify's installer (Vivify-…-setup.exe) carries it: install Vivify with it, or put ffmpeg.exe and ffprobe.exe beside Vivify.exe, then start Vivify again.")
	case "darwin":
		return T("The Vivify app carries it: if it is missing, download the app again (or install ffmpeg with Homebrew), then start Vivify again.")
	}
	return T("Install it (on Debian or Ubuntu: sudo apt install ffmpeg), then start Vivify again.")
}

// timeLeftWords is a time left in words.
func timeLeftWords(d time.Duration) string {
	switch {
	case d < 5*time.Second:
		return T("almost done")
	case d < time.Minute:
		return Tn("about %d seconds left", int(d.Seconds()/5+0.5)*5, int(d.Seconds()/5+0.5)*5)
	}
	return Tn("about %d min left", int(d.Minutes()+0.5), int(d.Minutes()+0.5))
}

// cancelExport stops the export running; it leaves no file.
func (f *FinishPanel) cancelExport() {
	if f.exporting != nil {
		f.exporting()
	}
}

// Exporting reports whether an export runs.
func (f *FinishPanel) Exporting() bool { return f.exporting != nil }

// gaveUpWords says what an export gave up to meet its size (the finish
// package's GaveUp), in the window's language.
func gaveUpWords(res finish.Result) string {
	if res.LowerQuality {
		return T("a lower quality")
	}
	var w []string
	f := res.Fit
	if f.Colours > 0 && f.Colours < 256 {
		w = append(w, Tf("%d colours", f.Colours))
	}
	switch {
	case f.Scale == 0 || f.Scale == 1:
	case f.Scale == 0.75:
		w = append(w, T("three quarters of the size"))
	case f.Scale == 0.5:
		w = append(w, T("half the size"))
	case f.Scale < 0.5:
		w = append(w, T("a third of the size"))
	}
	if f.Every > 1 {
		w = append(w, Tf("one frame in %d", f.Every))
	}
	if len(w) == 0 {
		return res.GaveUp
	}
	return strings.Join(w, T(", "))
}
