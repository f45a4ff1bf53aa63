package gui

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"log"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/internal/atomicfile"
	"vivify/internal/picker"
	"vivify/internal/picture"
	"vivify/jobs"
	"vivify/preview"
)

// Details shows the selected job: its video in the player, its settings and
// what the server said, and what can be done with it.
type Details struct {
	deps    Deps
	win     fyne.Window
	job     *jobs.Job
	loaded  string // the output file the player holds
	player  *preview.Player
	title   *widget.Label
	info    *widget.Label
	problem *widget.Label
	actions *fyne.Container // the two actions used most, and More
	more    []action        // the rest, under More
	labels  []string        // every action's label, for tests
	OnReuse func(client.Request)
	// OnNewJob is told of a job an action made (Run again), to select it.
	OnNewJob func(id string)
	// OnSaved is told where Save as… wrote the video.
	OnSaved func(path string)
	// OnUseAsInput is given a picture to make the next video from.
	OnUseAsInput func(path string)
	// OnUseAsLastFrame, set while the chosen model takes a last frame, is
	// given a picture for it.
	OnUseAsLastFrame func(path string)
	// OnStar stars or unstars the video shown.
	OnStar func(j jobs.Job)
	star   *widget.Button
	// OnFinishing is told when the Finish panel opens (true) and closes:
	// the window gives it the gallery's room meanwhile.
	OnFinishing func(open bool)
	// OnSay is given news for the status line.
	OnSay   func(msg string)
	content fyne.CanvasObject

	base     *preview.Animation // the original video, as the player holds it
	playing  string             // the version shown ("" for the original)
	versions *fyne.Container    // the versions, under the actions
	// versionsShown is how many versions of job versionsOf are listed.
	versionsShown int
	versionsOf    string
	side          *fyne.Container   // the column: what the video is, or Finish
	about         fyne.CanvasObject // the column's usual content
	finish        *FinishPanel
	finishing     bool
	split         *container.Split // the player beside the column
	offset        float64          // the split's place before Finish widened the column
}

// NewDetails builds an empty details pane.
func NewDetails(deps Deps, win fyne.Window) *Details {
	d := &Details{deps: deps, win: win, player: preview.NewPlayer()}
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.title.Wrapping = wordWrap()
	d.info = widget.NewLabel(T("Select a video in the gallery."))
	d.info.Wrapping = wordWrap()
	d.info.SizeName = theme.SizeNameCaptionText
	d.problem = widget.NewLabel("")
	d.problem.Wrapping = wordWrap()
	d.problem.Importance = widget.DangerImportance
	d.problem.Hide()
	// The video gets the stage: the player fills the pane beside a narrow
	// column with the two actions used most, More, and what the video is.
	d.actions = container.NewVBox()
	d.versions = container.NewVBox()
	d.star = widget.NewButtonWithIcon("", unstarredIcon, func() {
		if d.job != nil && d.OnStar != nil {
			d.OnStar(*d.job)
		}
	})
	d.star.Importance = widget.LowImportance
	d.star.Hide()
	d.about = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, d.star, d.title), d.actions, d.problem), nil, nil, nil,
		container.NewVScroll(container.NewVBox(d.versions, d.info)))
	d.finish = newFinishPanel(d)
	d.side = container.NewStack(d.about)
	split := container.NewHSplit(container.NewBorder(nil, d.finish.trimRow, nil, nil, d.player), d.side)
	split.SetOffset(0.7)
	d.split = split
	d.content = split
	return d
}

// action is a thing that can be done with the job shown.
type action struct {
	label string
	icon  fyne.Resource
	do    func()
}

// Content is the pane's widgets.
func (d *Details) Content() fyne.CanvasObject { return d.content }

// Player is the pane's player.
func (d *Details) Player() *preview.Player { return d.player }

// Job is the job shown, if any.
func (d *Details) Job() (jobs.Job, bool) {
	if d.job == nil {
		return jobs.Job{}, false
	}
	return *d.job, true
}

// Show shows a job.
func (d *Details) Show(j jobs.Job) {
	if d.job == nil || d.job.ID != j.ID {
		d.closeFinish()
		d.playing = ""
	}
	d.job = &j
	d.render()
}

// Apply takes an engine event; the job shown is kept up to date.
func (d *Details) Apply(e jobs.Event) {
	if d.job == nil || e.Job.ID != d.job.ID {
		return
	}
	if e.Kind == jobs.JobRemoved {
		d.closeFinish()
		d.job = nil
		d.base, d.playing = nil, ""
		d.versions.Objects = nil
		d.versions.Refresh()
		d.player.Pause()
		d.title.SetText("")
		d.star.Hide()
		d.info.SetText(T("Select a video in the gallery."))
		d.problem.Hide()
		d.actions.Objects, d.more, d.labels = nil, nil, nil
		d.actions.Refresh()
		return
	}
	j := e.Job
	d.job = &j
	if e.Kind == jobs.JobProgress {
		return
	}
	d.render()
}

func (d *Details) render() {
	j := *d.job
	var b strings.Builder
	title := j.Source.Name + ": " + stateWords(j)
	if v, ok := d.playingVersion(j); ok {
		name, _ := versionWords(v)
		title += Tf(" · playing the %s", name)
	}
	d.title.SetText(title)
	// The star: kept, or not; "Remove the others" never removes a starred one.
	if j.State == jobs.Done {
		d.star.SetIcon(unstarredIcon)
		if j.Starred {
			d.star.SetIcon(starredIcon)
		}
		d.star.Show()
	} else {
		d.star.Hide()
	}
	if j.Practice {
		b.WriteString(T("A practice video: simulated on this computer, free.\n"))
	}
	if j.Take > 0 {
		b.WriteString(Tf("Take %d of a set: the takes are made together to choose from; Compare takes shows them side by side.\n", j.Take))
	}
	if j.Request.Prompt != "" {
		b.WriteString(Tf("Prompt: %s\n", j.Request.Prompt))
	}
	r := j.Request
	m, known := r.Model()
	switch {
	case !known || m.Video.SizeFromRequest:
		b.WriteString(Tf("%d × %d pixels, %.1f seconds (%d frames at %d a second), %s\n", r.Width, r.Height, r.DurationSeconds(), r.NumFrames, r.FPS, strings.ToUpper(r.OutputType)))
		if !known || m.Takes("motion_bucket_id") {
			b.WriteString(Tf("Motion: %s (%d)\n", strings.ToLower(motionWord(r.MotionBucketID)), r.MotionBucketID))
		}
	default:
		w, h := m.Size(r)
		b.WriteString(Tf("%d × %d pixels, %.1f seconds, MP4\n", w, h, m.Seconds(r)))
	}
	model := r.ModelID
	if known {
		model = m.Name + " · " + T(familyNames[m.Family])
	}
	if j.Model != "" && j.ModelSubstituted() {
		model += Tf(" (the service made it with %s)", madeWith(j))
	}
	b.WriteString(Tf("Model: %s\n", model))
	if j.Cost != nil {
		b.WriteString(Tf("Cost: %s\n", costWords(*j.Cost, j.Practice)))
	}
	if j.Seed != nil {
		b.WriteString(Tf("Seed (to make it again the same): %d\n", *j.Seed))
	}
	if j.GenerationTime > 0 {
		b.WriteString(Tf("Made in %s\n", j.GenerationTime.Round(100*time.Millisecond)))
	}
	b.WriteString(Tf("Folder: %s", j.Folder))
	d.info.SetText(b.String())
	if j.Failure != nil {
		d.problem.SetText(strings.TrimSpace(Tk(j.Failure.Message) + " " + Tk(j.Failure.Advice)))
		d.problem.Show()
	} else {
		d.problem.Hide()
	}
	d.setActions(j)
	d.showVersions(j)
	if !d.finishing {
		d.loadVideo(j)
	}
}

// stateNames are the states a job ends in, in a word. words: keys, shown through T
var stateNames = map[jobs.State]string{
	jobs.Failed: "failed", jobs.Cancelled: "cancelled", jobs.Interrupted: "interrupted",
	jobs.Submitting: "sending", jobs.Downloading: "saving", jobs.Preparing: "getting ready",
}

func stateWords(j jobs.Job) string {
	switch j.State {
	case jobs.Done:
		return T("done")
	case jobs.Queued:
		if j.Note != "" {
			return Tk(j.Note)
		}
		return T("waiting for its turn")
	case jobs.Processing:
		return T("being made on the server")
	}
	if w, ok := stateNames[j.State]; ok {
		return T(w)
	}
	return string(j.State) // words: not shown (a state this version does not know)
}

// loadVideo decodes the job's video off the UI goroutine and hands it to
// the player, unless another job was chosen meanwhile.
func (d *Details) loadVideo(j jobs.Job) {
	if j.State != jobs.Done || j.Output == "" {
		d.loaded = ""
		if j.State.Active() {
			d.player.SetPoster(nil, T("The video plays here once it is made."), "", nil)
		} else {
			d.player.SetPoster(nil, T("No video was made."), "", nil)
		}
		return
	}
	if _, ok := d.playingVersion(j); !ok {
		d.playing = "" // the original, or a version since deleted
	}
	path := d.shownFile(j)
	if d.loaded == path && d.player.Animation() != nil {
		return
	}
	d.loaded = path
	original := d.playing == ""
	if original {
		d.base = nil
	}
	go func() {
		afterWindowUp()
		// Only a file of the job's own: a version in a copied-in folder
		// may be a link to a file elsewhere, or a pipe.
		f, _, err := picture.OpenOwnFile(path)
		var a *preview.Animation
		if err == nil {
			f.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			a, err = preview.Open(ctx, path, 480, 480)
			cancel()
		}
		d.deps.RunOnUI(func() {
			if d.loaded != path {
				return
			}
			switch {
			case a != nil:
				if original {
					d.base = a
				}
				d.player.SetAnimation(a)
				d.player.Play() // a finished video is shown moving
			case errors.Is(err, preview.ErrNoFFmpeg):
				d.player.SetPoster(nil, T("MP4 videos play here once ffmpeg is installed."), T("Open in player"), func() { d.open(path) })
			case errors.Is(err, fs.ErrNotExist):
				d.player.SetPoster(nil, "", "", nil)
				d.problem.SetText(T("The video is no longer in its folder: it may have been moved, renamed or deleted. Run again makes it anew."))
				d.problem.Show()
			default:
				d.player.SetPoster(nil, "", "", nil)
				d.problem.SetText(Tf("The video cannot be played: %s", problemWords(err)))
				d.problem.Show()
			}
		})
	}()
}

// open hands a file or folder to the desktop (the system's player, or
// its file manager). When the desktop cannot, the creator is told where
// the file is and can copy its path.
func (d *Details) open(path string) {
	if st, err := os.Lstat(path); err == nil && !st.IsDir() && !st.Mode().IsRegular() {
		d.problem.SetText(T("This video is not a file of its own in the job's folder (it is a link or a pipe), so Vivify does not open it."))
		d.problem.Show()
		return
	}
	if err := fyne.CurrentApp().OpenURL(FileURL(path, runtime.GOOS == "windows")); err != nil {
		what := T("the video")
		if st, serr := os.Stat(path); serr == nil && st.IsDir() {
			what = T("the folder")
		}
		d.cannotOpen(what, path)
		log.Printf("open %s: %v", path, err)
	}
}

// cannotOpen says the desktop could not open what (the video, the folder)
// at path, and offers to copy the path; the button says when it has.
func (d *Details) cannotOpen(what, path string) {
	msg := widget.NewLabel(Tf("Your desktop could not open %s. It is here:\n%s", what, path))
	msg.Wrapping = fyne.TextWrapBreak // a long path breaks anywhere rather than widening the dialog
	var copyPath *widget.Button
	copyPath = widget.NewButtonWithIcon(T("Copy the path"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(path)
		copyPath.SetText(T("Copied: paste it in your file manager"))
		copyPath.SetIcon(theme.ConfirmIcon())
	})
	copyPath.Importance = widget.HighImportance
	dlg := dialog.NewCustom(Tf("Could not open %s", what), T("Close"),
		container.NewVScroll(container.NewVBox(msg, container.NewCenter(copyPath))), d.win)
	dlg.Resize(fitDialog(d.win, fyne.NewSize(520, 240)))
	d.deps.dialogs.Show(dlg)
}

// FileURL is the file:// link for path: on Windows a drive path becomes
// file:///C:/Users/... and a network path file://server/share/..., the
// forms Explorer accepts (a path written into the link as it is gave
// file://C:%5CUsers%5C..., which opens nothing).
func FileURL(path string, windows bool) *url.URL {
	if !windows {
		return &url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	}
	p := strings.ReplaceAll(path, `\`, "/")
	if rest, ok := strings.CutPrefix(p, "//"); ok { // \\server\share\...
		host, tail, _ := strings.Cut(rest, "/")
		return &url.URL{Scheme: "file", Host: host, Path: "/" + tail}
	}
	if len(p) >= 2 && p[1] == ':' {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
}

func (d *Details) setActions(j jobs.Job) {
	eng := d.deps.Engine
	run := func(f func() error) func() {
		return func() {
			go func() {
				if err := f(); err != nil {
					d.deps.RunOnUI(func() { d.deps.dialogs.ShowError(err, d.win) })
				}
			}()
		}
	}
	var list []action
	add := func(label string, icon fyne.Resource, f func()) { list = append(list, action{label, icon, f}) }
	// again runs the job again and shows the new one.
	again := func(f func() (jobs.Job, error)) func() {
		return func() {
			go func() {
				nj, err := f()
				d.deps.RunOnUI(func() {
					if err != nil {
						d.deps.dialogs.ShowError(err, d.win)
					} else if d.OnNewJob != nil {
						d.OnNewJob(nj.ID)
					}
				})
			}()
		}
	}
	// The first two are the ones a creator uses most with a job in this
	// state; the rest go under More.
	if j.State.Active() {
		add(T("Cancel"), theme.CancelIcon(), run(func() error { return eng.Cancel(j.ID) }))
	}
	done := j.State == jobs.Done && j.Output != ""
	video := d.shownFile(j)
	if done {
		add(T("Save as…"), theme.DocumentSaveIcon(), func() { d.saveAs(video) })
		add(T("Finish…"), theme.ColorPaletteIcon(), d.openFinish)
	}
	if (j.State == jobs.Failed || j.State == jobs.Cancelled || j.State == jobs.Interrupted) && !j.Damaged() {
		add(T("Retry"), theme.ViewRefreshIcon(), run(func() error { return eng.Retry(j.ID) }))
	}
	if j.State.Ended() {
		add(T("Run again"), theme.MediaReplayIcon(), again(func() (jobs.Job, error) { return eng.RunAgain(j.ID, false) }))
	}
	if j.Failure != nil {
		add(T("Copy details"), theme.ContentCopyIcon(), func() {
			fyne.CurrentApp().Clipboard().SetContent(j.Failure.Message + "\n" + j.Failure.Details)
		})
	}
	if done {
		add(T("Open in player"), theme.MediaPlayIcon(), func() { d.open(video) })
		add(T("Show in folder"), theme.FolderOpenIcon(), func() { d.open(j.Folder) })
		add(T("Use as next input"), theme.NavigateNextIcon(), func() { d.useAsInput(j) })
		if d.OnUseAsLastFrame != nil {
			add(T("Use as last frame"), theme.NavigateNextIcon(), func() { d.useLastFrame(j, d.OnUseAsLastFrame) })
		}
	}
	if j.State.Ended() {
		if j.Seed != nil {
			add(T("Run again with the same seed"), theme.MediaReplayIcon(), again(func() (jobs.Job, error) { return eng.RunAgain(j.ID, true) }))
		}
		if j.Practice && !eng.InPractice() {
			add(T("Run again as a real video (uses credits)"), theme.MediaReplayIcon(), again(func() (jobs.Job, error) { return eng.RunAgainIn(j.ID, false, false) }))
		}
		if !j.Practice && eng.InPractice() {
			add(T("Run again in practice (free)"), theme.MediaReplayIcon(), again(func() (jobs.Job, error) { return eng.RunAgainIn(j.ID, false, true) }))
		}
	}
	add(T("Reuse settings"), theme.ContentCopyIcon(), func() {
		if d.OnReuse != nil {
			d.OnReuse(j.Request)
		}
	})
	if len(j.Links) > 0 && !j.Practice { // a practice link is this computer's: no use to anyone else
		add(T("Copy link"), theme.ContentCopyIcon(), func() { fyne.CurrentApp().Clipboard().SetContent(j.Links[0]) })
	}
	add(T("Delete"), theme.DeleteIcon(), func() {
		what := T("Its folder and everything in it are removed from the library.")
		switch n := len(j.Versions); {
		case n == 1:
			what = T("Its folder and everything in it, the version made from it too, are removed from the library.")
		case n > 1:
			what = Tn("Its folder and everything in it, the %d versions made from it too, are removed from the library.", n, n)
		}
		d.deps.dialogs.Show(dialog.NewConfirm(T("Delete this video?"), what, func(ok bool) {
			if ok {
				run(func() error { return eng.Delete(j.ID) })()
			}
		}, d.win))
	})
	d.labels = d.labels[:0]
	for _, a := range list {
		d.labels = append(d.labels, a.label)
	}
	shown := 2
	if done {
		shown = 3 // Save as, Finish, Run again
	}
	first := min(shown, len(list))
	var objs []fyne.CanvasObject
	for i, a := range list[:first] {
		b := widget.NewButtonWithIcon(a.label, a.icon, a.do)
		if i == 0 {
			b.Importance = widget.HighImportance
		}
		objs = append(objs, b)
	}
	d.more = list[first:]
	if len(d.more) > 0 {
		var more *widget.Button
		more = widget.NewButtonWithIcon(T("More…"), theme.MoreHorizontalIcon(), func() { d.showMore(more) })
		objs = append(objs, more)
	}
	d.actions.Objects = objs
	d.actions.Refresh()
}

// showMore opens the menu of the actions that are not buttons, under b.
func (d *Details) showMore(b fyne.CanvasObject) {
	var items []*fyne.MenuItem
	for _, a := range d.more {
		item := fyne.NewMenuItem(a.label, a.do)
		item.Icon = a.icon
		items = append(items, item)
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), c, fyne.NewPos(0, b.Size().Height), b)
}

// Actions are the labels of what can be done with the job shown: the
// buttons, then More's menu.
func (d *Details) Actions() []string { return append([]string(nil), d.labels...) }

// Do runs the action labelled label, as a click on it would.
func (d *Details) Do(label string) bool {
	for _, o := range d.actions.Objects {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			b.OnTapped()
			return true
		}
	}
	for _, a := range d.more {
		if a.label == label {
			a.do()
			return true
		}
	}
	return false
}

// saveAs copies the video where the creator chooses, with the system's
// chooser, started in their Videos folder. The copy is written beside the
// place and renamed into it whole: a failed copy leaves nothing, and never
// half a file over one that was there.
func (d *Details) saveAs(video string) {
	r := picker.Request{Kind: picker.Save, Title: T("Save the video as"), Start: picker.InVideos,
		Name: filepath.Base(video), Filters: videoFilter(filepath.Ext(video))}
	d.deps.dialogs.choose(d.win, r, func(path string) {
		if same, _ := sameFile(path, video); same {
			d.say(T("That is the video itself: it is already there."))
			return
		}
		go func() {
			err := atomicfile.Produce(path, 0o644, func(tmp string) error {
				src, _, err := picture.OpenOwnFile(video)
				if err != nil {
					return err
				}
				defer src.Close()
				dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_TRUNC, 0)
				if err != nil {
					return err
				}
				_, err = io.Copy(dst, src)
				if cerr := dst.Close(); err == nil {
					err = cerr
				}
				return err
			})
			d.deps.RunOnUI(func() {
				switch {
				case err != nil:
					d.deps.dialogs.ShowError(fmt.Errorf("the video could not be saved there: %w", err), d.win)
				case d.OnSaved != nil:
					d.OnSaved(path)
				}
			})
		}()
	})
}

// sameFile reports whether a and b are the same file on disk.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// useAsInput makes the last frame of the video the next picture: a way to
// go on where the video ends.
func (d *Details) useAsInput(j jobs.Job) { d.useLastFrame(j, d.OnUseAsInput) }

// useLastFrame keeps the video's last frame in its folder and hands its
// path to use.
func (d *Details) useLastFrame(j jobs.Job, use func(string)) {
	a := d.player.Animation()
	if a == nil || len(a.Frames) == 0 || use == nil {
		return
	}
	last := a.Frames[len(a.Frames)-1].Image
	path := filepath.Join(j.Folder, "last-frame.png")
	go func() {
		f, err := os.Create(path)
		if err == nil {
			err = png.Encode(f, last)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		d.deps.RunOnUI(func() {
			if err != nil {
				d.deps.dialogs.ShowError(fmt.Errorf("the last frame could not be kept: %w", err), d.win)
				return
			}
			use(path)
		})
	}()
}

// say puts news in the status line.
func (d *Details) say(msg string) {
	if d.OnSay != nil {
		d.OnSay(msg)
	}
}

// openFinish shows the Finish panel in place of the column, for the
// original video.
func (d *Details) openFinish() {
	if d.job == nil || d.finishing {
		return
	}
	if d.base == nil {
		if d.playing != "" {
			d.playing = ""
			d.loadVideo(*d.job)
			d.say(T("Loading the original video: choose Finish again in a moment."))
			return
		}
		if strings.EqualFold(filepath.Ext(d.job.Output), ".mp4") && !preview.HasFFmpeg() {
			d.say(Tf("Finishing an MP4 needs ffmpeg, which is not here. %s", ffmpegAdvice(runtime.GOOS)))
		} else {
			d.say(T("The video is still loading: choose Finish again in a moment."))
		}
		return
	}
	d.finishing = true
	d.offset = d.split.Offset
	d.split.SetOffset(min(d.offset, 0.55)) // the panel has more to show than the column
	d.side.Objects = []fyne.CanvasObject{d.finish.panel}
	d.side.Refresh()
	d.finish.open(*d.job, d.base)
	if d.OnFinishing != nil {
		d.OnFinishing(true)
	}
}

// closeFinish goes back from the Finish panel to the video as made.
func (d *Details) closeFinish() {
	if !d.finishing {
		return
	}
	d.finishing = false
	d.finish.close()
	d.split.SetOffset(d.offset)
	d.side.Objects = []fyne.CanvasObject{d.about}
	d.side.Refresh()
	if d.OnFinishing != nil {
		d.OnFinishing(false)
	}
	if d.base != nil {
		d.player.SetAnimation(d.base)
		d.player.Play()
	}
}

// Finishing reports whether the Finish panel is open.
func (d *Details) Finishing() bool { return d.finishing }

// Finish is the Finish panel.
func (d *Details) Finish() *FinishPanel { return d.finish }

// versionWords splits a version's label, "boomerang 24fps · GIF for
// chat": where it goes is its name, what was done is said under it.
func versionWords(v jobs.Version) (name, done string) {
	if i := strings.LastIndex(v.Label, " · "); i >= 0 {
		return v.Label[i+len(" · "):], v.Label[:i]
	}
	return v.Label, ""
}

// shownFile is the video of j in the player, which Save as and Open in
// player take: a version when one is chosen, else the original.
func (d *Details) shownFile(j jobs.Job) string {
	if v, ok := d.playingVersion(j); ok {
		return j.Path(v.File)
	}
	return j.Path(j.Output)
}

// playingVersion is the version of j in the player, if one is.
func (d *Details) playingVersion(j jobs.Job) (jobs.Version, bool) {
	if d.playing == "" {
		return jobs.Version{}, false
	}
	for _, v := range j.Versions {
		if v.File == d.playing {
			return v, true
		}
	}
	return jobs.Version{}, false
}

// Playing is the version shown, "" for the original.
func (d *Details) Playing() string { return d.playing }

// versionsPage is how many more versions each "Show more" lists.
const versionsPage = 25

// showVersions lists the job's versions: each plays in the player when
// chosen, and has Save as, Open, Show in folder and Delete.
func (d *Details) showVersions(j jobs.Job) {
	var objs []fyne.CanvasObject // set at once: Add lays the list out again each time
	if len(j.Versions) > 0 {
		objs = append(objs, widget.NewLabelWithStyle(T("Versions"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		about := strings.ToUpper(strings.TrimPrefix(filepath.Ext(j.Output), ".")) + " · " + j.Output
		objs = append(objs, d.versionRow(j, "", T("Original, as made"), about, j.Output))
		if d.versionsOf != j.ID {
			d.versionsOf, d.versionsShown = j.ID, versionsPage
		}
		// Newest first: the one just saved is at the top.
		shown := slices.Clone(j.Versions)
		slices.Reverse(shown)
		if len(shown) > d.versionsShown {
			shown = shown[:d.versionsShown]
		}
		for _, v := range shown {
			name, about := versionWords(v)
			if about != "" {
				about += " · "
			}
			about += sizeWords(v.Bytes)
			if v.Width > 0 {
				about += Tf(" · %d × %d · %.1f s", v.Width, v.Height, v.Seconds)
			}
			objs = append(objs, d.versionRow(j, v.File, name, about+" · "+v.File, v.File))
		}
		// Thousands of versions are listed a page at a time: each row is
		// a few widgets, and the window builds only what is shown.
		if left := len(j.Versions) - len(shown); left > 0 {
			more := widget.NewButtonWithIcon(Tf("Show more versions (%d of %d shown)", len(shown), len(j.Versions)),
				theme.MoreHorizontalIcon(), func() {
					d.versionsShown += versionsPage
					if cur, ok := d.Job(); ok && cur.ID == j.ID {
						d.showVersions(cur)
					}
				})
			more.Importance = widget.LowImportance
			objs = append(objs, more)
		}
	}
	d.versions.Objects = objs
	d.versions.Refresh()
}

func (d *Details) versionRow(j jobs.Job, version, name, about, file string) fyne.CanvasObject {
	path := j.Path(file)
	icon := theme.MediaPlayIcon()
	if d.playing == version {
		icon = theme.VisibilityIcon() // the one in the player
	}
	play := widget.NewButtonWithIcon("", icon, func() { d.PlayVersion(version) })
	if d.playing != version {
		play.Importance = widget.LowImportance
	}
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: d.playing == version})
	title.Truncation = fyne.TextTruncateEllipsis
	words := widget.NewLabel(about)
	words.Truncation = fyne.TextTruncateEllipsis
	words.SizeName = theme.SizeNameCaptionText
	var menu *widget.Button
	menu = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() {
		items := []*fyne.MenuItem{
			fyne.NewMenuItem(T("Play here"), func() { d.PlayVersion(version) }),
			fyne.NewMenuItem(T("Save as…"), func() { d.saveAs(path) }),
			fyne.NewMenuItem(T("Open in player"), func() { d.open(path) }),
			fyne.NewMenuItem(T("Show in folder"), func() { d.open(j.Folder) }),
		}
		if version != "" {
			items = append(items, fyne.NewMenuItem(T("Delete this version"), func() { d.deleteVersion(j, version) }))
		}
		showMenuBy(menu, items)
	})
	// The name plays it too: it is where a creator clicks.
	lines := newTapArea(container.New(&tightRows{}, title, words), func() { d.PlayVersion(version) })
	return container.NewBorder(nil, nil, container.NewCenter(play), container.NewCenter(menu), lines)
}

// tapArea is content that does something when clicked, with the hand
// pointer over it.
type tapArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	tapped  func()
}

func newTapArea(content fyne.CanvasObject, tapped func()) *tapArea {
	t := &tapArea{content: content, tapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapArea) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }
func (t *tapArea) Tapped(*fyne.PointEvent)             { t.tapped() }
func (t *tapArea) Cursor() desktop.Cursor              { return desktop.PointerCursor }

// tightRows stacks its objects with no space between them: a name and
// its caption.
type tightRows struct{}

func (tightRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height - theme.InnerPadding()
	}
	return s
}

func (tightRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height - theme.InnerPadding()
		o.Move(fyne.NewPos(0, y-theme.InnerPadding()/2))
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		y += h
	}
}

// showMenuBy opens a menu under b, its right edge at b's (b is at the
// window's right side), or above b when there is no room below.
func showMenuBy(b fyne.CanvasObject, items []*fyne.MenuItem) {
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	pm := widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	size := pm.MinSize()
	x := at.X + b.Size().Width - size.Width
	y := at.Y + b.Size().Height
	if y+size.Height > c.Size().Height {
		y = at.Y - size.Height
	}
	pm.ShowAtPosition(fyne.NewPos(max(x, 0), max(y, 0)))
}

// PlayVersion plays a version of the job shown ("" for the original).
func (d *Details) PlayVersion(file string) {
	if d.job == nil {
		return
	}
	d.closeFinish()
	d.playing = file
	d.loaded = ""
	d.render()
}

func (d *Details) deleteVersion(j jobs.Job, file string) {
	d.deps.dialogs.Show(dialog.NewConfirm(T("Delete this version?"), Tf("%s is removed from the job's folder. The original stays.", file), func(ok bool) {
		if !ok {
			return
		}
		go func() {
			_, err := d.deps.Engine.DeleteVersion(j.ID, file)
			d.deps.RunOnUI(func() {
				if err != nil {
					d.deps.dialogs.ShowError(err, d.win)
				}
			})
		}()
	}, d.win))
}

// Refresh redraws the shown job's details and actions.
func (d *Details) Refresh() {
	if d.job != nil {
		d.render()
	}
}

// costWords says a measured cost: "1 practice credit", "0.5 credits: the
// balance went from 12.0 to 11.5" (older records kept no balances).
func costWords(c jobs.Cost, practice bool) string {
	n := 2 // a part of a credit reads as many
	if c.Amount == math.Trunc(c.Amount) && c.Amount < 1e9 {
		n = int(c.Amount)
	}
	words := Tn("%s credits", n, creditNumber(c.Amount, 0))
	if practice || c.Practice {
		words = Tn("%s practice credits", n, creditNumber(c.Amount, 0))
	}
	if c.Before > 0 || c.After > 0 {
		words += Tf(": the balance went from %s to %s", creditNumber(c.Before, 1), creditNumber(c.After, 1))
	}
	return words
}

// creditNumber writes an amount of credits as briefly as it is exact, with
// at least min decimals (a balance reads "12.0").
func creditNumber(v float64, min int) string {
	// Sums of credits carry binary noise (0.2 × 3 is 0.6000000000000001):
	// credits are counted to four places at most.
	s := strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64)
	dot := strings.IndexByte(s, '.')
	if dot < 0 {
		if min == 0 {
			return s
		}
		s, dot = s+".", len(s)
	}
	for len(s)-dot-1 < min {
		s += "0"
	}
	return strings.Replace(s, ".", decimalMark(), 1)
}
