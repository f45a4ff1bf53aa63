package gui

import (
	"image"
	"image/draw"
	"math"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/jobs"
)

// Filters of the gallery, by state. words: keys, shown through T
var Filters = []string{"All", "Running", "Done", "Failed", "Cancelled", FilterStarred, FilterPicture}

// filterNames are the Filters as the window shows them.
func filterNames() []string {
	out := make([]string, len(Filters))
	for i, f := range Filters {
		out[i] = T(f)
	}
	return out
}

// The filters of the gallery beyond states.
const (
	FilterStarred = "Starred"
	FilterPicture = "From this picture" // every video of the selected one's picture
)

// Gallery shows every job, newest first, in a virtualised grid: only the
// cells on screen exist. It can be filtered by state and searched by
// prompt or picture name.
type Gallery struct {
	eng      *jobs.Engine
	all      []jobs.Job // newest first
	shown    []int      // indexes into all, after filter and search
	grid     *galleryGrid
	filter   *widget.Select
	search   *widget.Entry
	empty    *widget.Label
	selected string // the job shown in the details
	selIndex int    // the cell the grid has selected, -1 for none
	want     string // a job to select once it appears (SelectJob)
	onSelect func(jobs.Job)
	thumbs   *thumbCache
	cellPath map[*canvas.Image]string // the thumbnail each cell shows
	content  fyne.CanvasObject

	// A set of takes shows as one stack card, which opens to its takes.
	stacks  map[int]string // cell → the set it stacks (only while no set is open)
	openSet string         // the set whose takes are shown, or ""
	setBar  *fyne.Container
	setName *widget.Label
	// OnSetOpened is told the set opened ("" when the gallery goes back to
	// every video), for the set's actions (Compare, Remove the others).
	OnSetOpened func(set string)
	setActions  *fyne.Container // the set's actions, filled by the window

	// Videos chosen with Ctrl+click (Shift, or Cmd on a Mac) to compare.
	marked      []string
	modifiers   func() fyne.KeyModifier // the keys held: the driver's
	compareBtn  *widget.Button
	OnCompare   func(ids []string)
	OnStar      func(j jobs.Job) // S on the video selected
	reselecting bool
	// byWindow is set while the window itself selects a cell (a new job,
	// Run again): keys held then (the Ctrl of Ctrl+Enter) are no click's.
	byWindow bool
}

// NewGallery builds the grid; onSelect is called with the job tapped.
// Thumbnails are decoded off the UI goroutine and handed over with runOnUI.
func NewGallery(eng *jobs.Engine, runOnUI func(func()), onSelect func(jobs.Job)) *Gallery {
	g := &Gallery{eng: eng, onSelect: onSelect, thumbs: newThumbCache(runOnUI, 96, true), cellPath: map[*canvas.Image]string{}}
	g.grid = newGalleryGrid(func() int { return len(g.shown) }, g.newCell, g.updateCell)
	g.grid.selected = func() int { return g.selIndex }
	g.grid.onStar = func() {
		if j, ok := g.job(g.selected); ok && g.OnStar != nil && j.State == jobs.Done {
			g.OnStar(j)
		}
	}
	g.selIndex = -1
	g.modifiers = func() fyne.KeyModifier {
		if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
			return d.CurrentKeyModifiers()
		}
		return 0
	}
	g.grid.OnSelected = func(id widget.GridWrapItemID) {
		g.selIndex = id
		if g.reselecting {
			return
		}
		if !g.byWindow && g.modifiers()&(fyne.KeyModifierControl|fyne.KeyModifierShift|fyne.KeyModifierSuper) != 0 && id < len(g.shown) {
			if _, stack := g.stacks[id]; !stack {
				g.mark(g.all[g.shown[id]])
				return
			}
		}
		if len(g.marked) > 0 {
			g.marked = nil // a plain click ends the choice
			g.markedChanged()
		}
		if set, ok := g.stacks[id]; ok { // a stack card opens to its takes
			g.OpenSet(set)
			return
		}
		if id < len(g.shown) {
			if j := g.all[g.shown[id]]; j.ID != g.selected {
				g.selected = j.ID
				g.onSelect(j)
			}
		}
	}
	g.grid.OnUnselected = func(id widget.GridWrapItemID) {
		if g.selIndex == id {
			g.selIndex = -1
		}
	}
	g.filter = widget.NewSelect(filterNames(), func(string) { g.refilter() })
	g.filter.Selected = T("All")
	g.search = widget.NewEntry()
	g.search.SetPlaceHolder(T("Search prompts, pictures and versions"))
	g.search.OnChanged = func(string) { g.refilter() }
	// Plain, not italic: each text style loads its own set of fonts, and
	// this label alone would cost the app a third set.
	g.empty = widget.NewLabelWithStyle(T("No videos yet. Choose a picture and press Generate."), fyne.TextAlignCenter, fyne.TextStyle{})
	g.empty.Importance = widget.LowImportance
	title := widget.NewLabelWithStyle(T("Gallery"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	g.compareBtn = widget.NewButtonWithIcon("", theme.ViewFullScreenIcon(), func() {
		if g.OnCompare != nil && len(g.marked) >= 2 {
			g.OnCompare(slices.Clone(g.marked))
		}
	})
	g.compareBtn.Importance = widget.HighImportance
	g.compareBtn.Hide()
	bar := container.NewBorder(nil, nil, title, container.NewHBox(g.compareBtn, g.filter), g.search)
	back := widget.NewButtonWithIcon(T("All videos"), theme.NavigateBackIcon(), func() { g.OpenSet("") })
	g.setName = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	g.setActions = container.NewHBox()
	g.setBar = container.NewBorder(nil, nil, back, g.setActions, g.setName)
	g.setBar.Hide()
	g.content = container.NewBorder(container.NewVBox(bar, g.setBar), nil, nil, nil, container.NewStack(g.grid, container.NewCenter(g.empty)))
	return g
}

// galleryGrid is the gallery's grid, walked with the arrow keys: the
// video the keys move to is selected and shown, as a click would.
type galleryGrid struct {
	widget.GridWrap
	keyed    bool       // the highlight is moving by the keyboard
	selected func() int // the cell selected, -1 for none
	onStar   func()     // S stars the video selected, or unstars it
}

func newGalleryGrid(length func() int, create func() fyne.CanvasObject, update func(widget.GridWrapItemID, fyne.CanvasObject)) *galleryGrid {
	g := &galleryGrid{}
	g.Length, g.CreateItem, g.UpdateItem = length, create, update
	g.OnHighlighted = func(id widget.GridWrapItemID) {
		if g.keyed {
			g.Select(id)
		}
	}
	g.ExtendBaseWidget(g)
	return g
}

// FocusGained starts the walk at the video shown.
func (g *galleryGrid) FocusGained() {
	g.GridWrap.FocusGained()
	if g.Length() > 0 {
		g.Highlight(max(g.selected(), 0))
	}
}

// TypedKey moves the selection with the arrow keys.
func (g *galleryGrid) TypedKey(e *fyne.KeyEvent) {
	if e.Name == fyne.KeyS && g.onStar != nil {
		g.onStar()
		return
	}
	g.keyed = true
	defer func() { g.keyed = false }()
	g.GridWrap.TypedKey(e)
}

// Resume starts decoding thumbnails; the window calls it once it is shown.
func (g *Gallery) Resume() { g.thumbs.resume() }

// Content is the gallery's widgets.
func (g *Gallery) Content() fyne.CanvasObject { return g.content }

// Shown is the jobs the grid shows, in order.
func (g *Gallery) Shown() []jobs.Job {
	out := make([]jobs.Job, len(g.shown))
	for i, k := range g.shown {
		out[i] = g.all[k]
	}
	return out
}

// Filter and Search are the gallery's controls, for tests.
func (g *Gallery) Filter() *widget.Select { return g.filter }
func (g *Gallery) Search() *widget.Entry  { return g.search }

// Load shows a list of jobs, newest first.
func (g *Gallery) Load(list []jobs.Job) {
	g.all = list
	g.refilter()
}

// Apply takes one event of the engine.
func (g *Gallery) Apply(e jobs.Event) {
	at := -1
	for i := range g.all {
		if g.all[i].ID == e.Job.ID {
			at = i
			break
		}
	}
	switch {
	case e.Kind == jobs.JobRemoved:
		if at >= 0 {
			g.all = append(g.all[:at], g.all[at+1:]...)
		}
		if g.selected == e.Job.ID {
			g.selected = ""
		}
	case at >= 0:
		g.all[at] = e.Job
		if e.Kind == jobs.JobProgress {
			g.refreshJob(at)
			return
		}
	default:
		g.all = append([]jobs.Job{e.Job}, g.all...)
	}
	g.refilter()
	if g.want == e.Job.ID {
		g.SelectJob(e.Job.ID)
	}
}

// SelectJob selects a job and shows it in the details: at once when the
// grid has it, else as soon as the engine's news of it arrives.
func (g *Gallery) SelectJob(id string) {
	g.want = id
	for i, k := range g.shown {
		if j := g.all[k]; j.ID == id {
			g.want = ""
			if i == g.selIndex { // the grid would see no change
				g.selected = j.ID
				g.onSelect(j)
			} else {
				g.byWindow = true
				g.grid.Select(i)
				g.byWindow = false
			}
			g.grid.ScrollTo(i)
			return
		}
	}
}

// Tick redraws the cells of jobs being made, whose time left changes
// without news from the engine. The window calls it once a second while
// jobs are on the server.
func (g *Gallery) Tick() {
	for i, k := range g.shown {
		if s := g.all[k].State; s == jobs.Processing || s == jobs.Submitting {
			g.grid.RefreshItem(i)
		}
	}
}

func (g *Gallery) refreshJob(at int) {
	for i, k := range g.shown {
		if k == at {
			g.grid.RefreshItem(i)
		}
	}
}

// mark adds j to the videos chosen to compare, or takes it out; the video
// shown in the details joins first (Ctrl+click adds to it, as in a file
// manager). The video shown stays selected.
func (g *Gallery) mark(j jobs.Job) {
	if len(g.marked) == 0 && g.selected != "" && g.selected != j.ID {
		if cur, ok := g.job(g.selected); ok && cur.State == jobs.Done {
			g.marked = append(g.marked, cur.ID)
		}
	}
	if at := slices.Index(g.marked, j.ID); at >= 0 {
		g.marked = slices.Delete(g.marked, at, at+1)
	} else if j.State == jobs.Done && len(g.marked) < jobs.MaxTakes {
		g.marked = append(g.marked, j.ID)
	}
	prev := -1
	for i, k := range g.shown {
		if g.all[k].ID == g.selected {
			prev = i
		}
	}
	g.reselecting = true
	if prev >= 0 {
		g.grid.Select(prev)
	} else {
		g.grid.UnselectAll()
		g.selIndex = -1
	}
	g.reselecting = false
	g.markedChanged()
}

// Marked are the videos chosen to compare.
func (g *Gallery) Marked() []string { return slices.Clone(g.marked) }

func (g *Gallery) markedChanged() {
	if len(g.marked) >= 2 {
		g.compareBtn.SetText(Tf("Compare %d", len(g.marked)))
		g.compareBtn.Show()
	} else {
		g.compareBtn.Hide()
	}
	g.grid.Refresh()
}

// job is the job id as the gallery has it.
func (g *Gallery) job(id string) (jobs.Job, bool) {
	for _, j := range g.all {
		if j.ID == id {
			return j, true
		}
	}
	return jobs.Job{}, false
}

// OpenSet shows the takes of set, or every video again for "".
func (g *Gallery) OpenSet(set string) {
	if set == g.openSet {
		return
	}
	g.openSet = set
	first := ""
	if set != "" {
		n := 0
		for _, j := range g.all {
			if j.Set == set {
				n++
				if first == "" || j.Take == 1 {
					first = j.ID
				}
				g.setName.SetText(Tn("%d takes of %s", n, n, j.Source.Name))
			}
		}
		g.setBar.Show()
	} else {
		first = g.selected
		g.setBar.Hide()
	}
	g.selected = ""
	g.refilter()
	if g.OnSetOpened != nil {
		g.OnSetOpened(set)
	}
	if first != "" {
		g.SelectJob(first)
	}
}

// OpenedSet is the set whose takes are shown, or "".
func (g *Gallery) OpenedSet() string { return g.openSet }

// sameSource reports whether a and b were made from one picture.
func sameSource(a, b jobs.Job) bool {
	if a.Source.URL != "" || b.Source.URL != "" {
		return a.Source.URL == b.Source.URL
	}
	return a.Source.File == b.Source.File && a.Source.Name == b.Source.Name
}

func (g *Gallery) refilter() {
	q := strings.ToLower(strings.TrimSpace(g.search.Text))
	g.shown = g.shown[:0]
	g.stacks = map[int]string{}
	stacked := map[string]bool{}
	var picked *jobs.Job                   // the video "From this picture" follows
	filter := filterKey(g.filter.Selected) // once: not a lookup of the words per job
	for i := range g.all {
		if g.all[i].ID == g.selected {
			picked = &g.all[i]
		}
	}
	for i, j := range g.all {
		switch {
		case g.openSet != "" && j.Set != g.openSet:
			continue
		case filter == FilterStarred && !j.Starred:
			continue
		case filter == FilterPicture && picked != nil && !sameSource(j, *picked):
			continue
		case !matchFilter(filter, j.State):
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(j.Request.Prompt), q) && !strings.Contains(strings.ToLower(j.Source.Name), q) &&
			!strings.Contains(strings.ToLower(j.VersionsText()), q) {
			continue
		}
		// Outside its set, a set is one stack card (its newest take's place).
		if j.Set != "" && g.openSet == "" && filter != FilterStarred {
			if stacked[j.Set] {
				continue
			}
			stacked[j.Set] = true
			g.stacks[len(g.shown)] = j.Set
		}
		g.shown = append(g.shown, i)
	}
	if g.openSet != "" { // a set's takes in their order: take 1 first
		slices.SortStableFunc(g.shown, func(a, b int) int { return g.all[a].Take - g.all[b].Take })
	}
	if len(g.all) == 0 {
		g.empty.Show()
	} else {
		g.empty.Hide()
	}
	// The selection follows its job when jobs are added, removed or
	// filtered, rather than staying on a cell that now shows another.
	at := -1
	for i, k := range g.shown {
		if g.all[k].ID == g.selected {
			at = i
			break
		}
	}
	if _, stack := g.stacks[at]; stack {
		at = -1 // a take of a closed set: the stack card is not the take
	}
	switch {
	case at >= 0 && at != g.selIndex:
		g.byWindow = true
		g.grid.Select(at) // the same job: the details are not redrawn
		g.byWindow = false
	case at < 0 && g.selIndex >= 0:
		g.selIndex = -1
		g.grid.UnselectAll()
	}
	g.grid.Refresh()
}

// filterKey is the English name of the filter shown in the window's
// language, or shown itself.
func filterKey(shown string) string {
	for _, k := range Filters {
		if T(k) == shown {
			return k
		}
	}
	return shown
}

// matchFilter reports whether a job in state s passes the filter key f
// (filterKey's answer).
func matchFilter(f string, s jobs.State) bool {
	switch f {
	case "Running":
		return s.Active()
	case "Done":
		return s == jobs.Done
	case "Failed":
		return s == jobs.Failed || s == jobs.Interrupted
	case "Cancelled":
		return s == jobs.Cancelled
	}
	return true
}

// fitLine shortens s with an ellipsis to fit width at textSize. Fyne's own
// label truncation sets up a text shaper on every call, which made filling
// the grid the slowest part of opening the window; this measures with the
// shared one, whose results are cached.
func fitLine(s string, width, textSize float32) string {
	if fyne.MeasureText(s, textSize, fyne.TextStyle{}).Width <= width {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r) // r[:lo]+"…" fits; r[:hi]+"…" does not, or is all of s
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if fyne.MeasureText(string(r[:mid])+"…", textSize, fyne.TextStyle{}).Width <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}

// cardSummary says in a few words what tells a video apart from others of
// its picture: the model, the motion, the length, and practice.
func cardSummary(j jobs.Job) string {
	r := j.Request
	m, known := r.Model()
	var parts []string
	if known {
		parts = append(parts, madeWith(j))
		if m.Takes("motion_bucket_id") {
			parts = append(parts, strings.ToLower(motionWord(r.MotionBucketID)))
		}
		parts = append(parts, Tf("%s s", Num(math.Round(m.Seconds(r)*10)/10, 1)))
	} else {
		parts = append(parts, r.ModelID)
	}
	if j.Practice {
		parts = append(parts, T("practice"))
	}
	if j.Take > 0 {
		parts = append([]string{Tf("take %d", j.Take)}, parts...)
	}
	return strings.Join(parts, " · ")
}

// takes are the set's jobs, by take.
func (g *Gallery) takes(set string) []jobs.Job {
	var out []jobs.Job
	for _, j := range g.all {
		if j.Set == set {
			out = append(out, j)
		}
	}
	slices.SortFunc(out, func(a, b jobs.Job) int { return a.Take - b.Take })
	return out
}

// stackWords are a stack card's lines: the models (or seeds) of its takes,
// and their states in a word each ("2 done · 1 being made · 1 failed"); and
// the state the card is coloured by (any failed, then any running).
func stackWords(takes []jobs.Job) (summary, states string, state jobs.State) {
	var models []string
	count := map[string]int{}
	var order []string
	state = jobs.Done
	for _, t := range takes {
		if m := madeWith(t); !slices.Contains(models, m) {
			models = append(models, m)
		}
		w := "%d done"
		switch {
		case t.State.Active():
			w = "%d being made"
			if state == jobs.Done {
				state = jobs.Processing
			}
		case t.State == jobs.Failed || t.State == jobs.Interrupted:
			w, state = "%d failed", jobs.Failed
		case t.State == jobs.Cancelled:
			w = "%d cancelled"
		}
		if count[w] == 0 {
			order = append(order, w)
		}
		count[w]++
	}
	if len(models) == 1 {
		summary = Tf("%s · other seeds", models[0])
	} else {
		summary = strings.Join(models, ", ")
	}
	var parts []string
	for _, w := range order {
		n := count[w]
		switch w { // each said by its literal, so the words test finds it
		case "%d being made":
			w = Tn("%d being made", n, n)
		case "%d failed":
			w = Tn("%d failed", n, n)
		case "%d cancelled":
			w = Tn("%d cancelled", n, n)
		default:
			w = Tn("%d done", n, n)
		}
		parts = append(parts, w)
	}
	return summary, strings.Join(parts, " · "), state
}

// madeWith is the short name of the model that made j, as a creator knows
// it: the one the service says it ran ("Wan 2.2" for a video asked of SVD,
// which the service runs as Wan 2.2 today), else the one asked for.
func madeWith(j jobs.Job) string {
	m, known := j.Request.Model()
	if j.ModelSubstituted() {
		if by, ok := client.LookupModel(j.Request.Family, j.Model); ok {
			return by.ShortName()
		}
		return j.Model
	}
	if !known {
		return j.Request.ModelID
	}
	if j.Model == "" && m.ServedBy != "" {
		if by, ok := client.LookupModel(m.Family, m.ServedBy); ok {
			return by.ShortName()
		}
	}
	return m.ShortName()
}

// versionsWords says how many versions a job has: " · 2 versions".
func versionsWords(j jobs.Job) string {
	switch n := len(j.Versions); n {
	case 0:
		return ""
	default:
		return Tn(" · %d versions", n, n)
	}
}

// placeholder fills a cell until its thumbnail is decoded, or when the job
// has none: a faint tile of the thumbnail's shape. (An SVG icon here was
// parsed again each time a cell was filled: a fifth of building the window.)
var placeholder = func() image.Image {
	m := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for i := 0; i < len(m.Pix); i += 4 {
		copy(m.Pix[i:], []uint8{128, 128, 128, 48})
	}
	return m
}()

// thumbBox is the space a thumbnail is shown in, and cardText the width of
// the lines beside it.
var thumbBox = fyne.NewSize(96, 72)

const cardText = 176

// A cell: the thumbnail, the picture's name, the state or progress.
func (g *Gallery) newCell() fyne.CanvasObject {
	img := canvas.NewImageFromImage(placeholder)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleFastest // pictures come scaled to fit already
	img.SetMinSize(thumbBox)
	// Not truncated by the labels: updateCell fits the text itself (fitLine).
	name := widget.NewLabel("")
	what := widget.NewLabel("") // what differs between two videos of one picture
	what.SizeName = theme.SizeNameCaptionText
	state := widget.NewLabel("")
	state.SizeName = theme.SizeNameCaptionText
	bar := widget.NewProgressBar()
	bar.TextFormatter = func() string { return "" }
	// The thumbnail beside three tight lines: a short card, so the gallery
	// leaves the height to the player.
	lines := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), name, what, state, bar)
	return container.NewBorder(nil, nil, img, nil, container.New(layout.NewGridWrapLayout(fyne.NewSize(cardText, lines.MinSize().Height)), lines))
}

func (g *Gallery) updateCell(id widget.GridWrapItemID, o fyne.CanvasObject) {
	if id >= len(g.shown) {
		return
	}
	j := g.all[g.shown[id]]
	card := o.(*fyne.Container)
	var img *canvas.Image
	var box *fyne.Container // the lines
	for _, k := range card.Objects {
		switch k := k.(type) {
		case *canvas.Image:
			img = k
		case *fyne.Container:
			box = k.Objects[0].(*fyne.Container)
		}
	}
	path := j.Path(j.Thumbnail)
	if path == "" {
		path = j.Path(j.SourceFile)
	}
	if set, ok := g.stacks[id]; ok {
		g.showStack(img, g.takes(set))
	} else {
		g.showThumb(img, path)
	}
	room := cardText - 2*theme.InnerPadding()
	name, summary, stateText := j.Source.Name, cardSummary(j), timeLeft(g.eng, j)+versionsWords(j)
	if j.Starred {
		stateText = Tf("starred · %s", stateText)
	}
	if slices.Contains(g.marked, j.ID) {
		stateText = Tf("chosen to compare (%d) · ", slices.Index(g.marked, j.ID)+1) + stateText
	}
	if set, ok := g.stacks[id]; ok {
		takes := g.takes(set)
		name = Tn("%s · %d takes", len(takes), j.Source.Name, len(takes))
		summary, stateText, j.State = stackWords(takes)
	}
	box.Objects[0].(*widget.Label).SetText(fitLine(name, room, theme.TextSize()))
	box.Objects[1].(*widget.Label).SetText(fitLine(summary, room, theme.CaptionTextSize()))
	state := box.Objects[2].(*widget.Label)
	state.Text = fitLine(stateText, room, theme.CaptionTextSize())
	switch j.State {
	case jobs.Failed, jobs.Interrupted:
		state.Importance = widget.DangerImportance
	case jobs.Done:
		state.Importance = widget.SuccessImportance
	default:
		state.Importance = widget.MediumImportance
	}
	state.Refresh()
	bar := box.Objects[3].(*widget.ProgressBar)
	if j.State == jobs.Preparing || j.State == jobs.Downloading {
		bar.SetValue(j.Progress)
		bar.Show()
	} else {
		bar.Hide()
	}
}

// showStack puts the thumbnails of a set's takes (up to four) in a cell's
// image, two by two, once they are decoded.
func (g *Gallery) showStack(img *canvas.Image, takes []jobs.Job) {
	var paths []string
	for _, t := range takes {
		p := t.Path(t.Thumbnail)
		if p == "" {
			p = t.Path(t.SourceFile)
		}
		if p != "" && len(paths) < jobs.MaxTakes {
			paths = append(paths, p)
		}
	}
	key := "stack:" + strings.Join(paths, "\x00")
	if g.cellPath[img] == key {
		return
	}
	g.cellPath[img] = key
	img.Image, img.Resource = placeholder, nil
	img.Refresh()
	if len(paths) == 0 {
		return
	}
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(img); c != nil {
		scale = c.Scale()
	}
	box := image.Pt(int(thumbBox.Width*scale+0.5), int(thumbBox.Height*scale+0.5))
	half := image.Pt(max(1, box.X/2), max(1, box.Y/2))
	pics := make([]image.Image, len(paths))
	left := len(paths)
	for i, p := range paths {
		g.thumbs.get(p, half, func(pic image.Image) {
			pics[i] = pic
			if left--; left > 0 || g.cellPath[img] != key {
				return
			}
			mosaic := image.NewRGBA(image.Rectangle{Max: box})
			for k, pic := range pics {
				if pic == nil {
					continue
				}
				cell := image.Rect((k%2)*half.X, (k/2)*half.Y, (k%2+1)*half.X, (k/2+1)*half.Y)
				b := pic.Bounds()
				at := cell.Min.Add(image.Pt((half.X-b.Dx())/2, (half.Y-b.Dy())/2))
				draw.Draw(mosaic, image.Rectangle{Min: at, Max: at.Add(b.Size())}.Intersect(cell), pic, b.Min, draw.Src)
			}
			img.Resource, img.Image = nil, mosaic
			img.Refresh()
		})
	}
}

// showThumb puts the thumbnail at path in a cell's image: a placeholder
// until it is decoded, and nothing if the cell shows another job by then.
func (g *Gallery) showThumb(img *canvas.Image, path string) {
	if g.cellPath[img] == path && (path != "" || img.Image == placeholder) {
		return
	}
	g.cellPath[img] = path
	img.Image, img.Resource = placeholder, nil
	img.Refresh()
	if path == "" {
		return
	}
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(img); c != nil {
		scale = c.Scale()
	}
	box := image.Pt(int(thumbBox.Width*scale+0.5), int(thumbBox.Height*scale+0.5))
	g.thumbs.get(path, box, func(pic image.Image) {
		if g.cellPath[img] != path || pic == nil {
			return // the cell was reused for another job meanwhile
		}
		img.Resource, img.Image = nil, pic
		img.Refresh()
	})
}
