package gui

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TrimBar chooses the frames a video keeps: a bar of all its frames with a
// handle at the first kept and one at the last. A handle is dragged, or
// the bar clicked to bring the nearer handle there; from the keyboard,
// Left and Right move the chosen handle a frame, and Space chooses the
// other one.
type TrimBar struct {
	widget.BaseWidget
	n        int // frames
	from, to int // the kept frames: from included, to not
	active   int // the handle moved by keys: 0 the start, 1 the end
	dragging int // the handle being dragged, or -1
	focused  bool
	// OnMoving is told of a handle being moved, and the frame it is at.
	OnMoving func(frame int)
	// OnChanged is told of the kept frames when a move ends.
	OnChanged func(from, to int)
}

// NewTrimBar is a bar for n frames, all kept.
func NewTrimBar(n int) *TrimBar {
	t := &TrimBar{dragging: -1, active: 1}
	t.ExtendBaseWidget(t)
	t.SetFrames(n)
	return t
}

// SetFrames starts again with n frames, all kept.
func (t *TrimBar) SetFrames(n int) {
	t.n, t.from, t.to = max(n, 1), 0, max(n, 1)
	t.Refresh()
}

// Range is the kept frames: from included, to not.
func (t *TrimBar) Range() (from, to int) { return t.from, t.to }

// SetRange keeps the frames from to to (to not included).
func (t *TrimBar) SetRange(from, to int) {
	t.from = min(max(from, 0), t.n-1)
	t.to = min(max(to, t.from+1), t.n)
	t.Refresh()
}

// frameAt is the frame under x.
func (t *TrimBar) frameAt(x float32) int {
	w := t.Size().Width - 2*trimHandle
	if w <= 0 || t.n <= 1 {
		return 0
	}
	f := float64(x-trimHandle) / float64(w) * float64(t.n-1)
	return min(max(int(math.Round(f)), 0), t.n-1)
}

// move puts handle h at frame f (a handle's frame: the start's is the
// first kept, the end's the last kept), keeping at least one frame.
func (t *TrimBar) move(h, f int) {
	if h == 0 {
		t.from = min(max(f, 0), t.to-1)
	} else {
		t.to = min(max(f+1, t.from+1), t.n)
	}
	t.Refresh()
	if t.OnMoving != nil {
		t.OnMoving(t.handleFrame(h))
	}
}

func (t *TrimBar) handleFrame(h int) int {
	if h == 0 {
		return t.from
	}
	return t.to - 1
}

func (t *TrimBar) nearer(f int) int {
	if abs(f-t.from) <= abs(f-(t.to-1)) && !(f > t.to-1) {
		return 0
	}
	return 1
}

func abs(v int) int { return max(v, -v) }

func (t *TrimBar) changed() {
	if t.OnChanged != nil {
		t.OnChanged(t.from, t.to)
	}
}

// Tapped brings the nearer handle to the frame clicked.
func (t *TrimBar) Tapped(e *fyne.PointEvent) {
	t.focus()
	f := t.frameAt(e.Position.X)
	t.active = t.nearer(f)
	t.move(t.active, f)
	t.changed()
}

// Dragged moves the handle nearest to where the drag began.
func (t *TrimBar) Dragged(e *fyne.DragEvent) {
	f := t.frameAt(e.Position.X)
	if t.dragging < 0 {
		t.focus()
		t.dragging = t.nearer(t.frameAt(e.Position.X - e.Dragged.DX))
		t.active = t.dragging
	}
	t.move(t.dragging, f)
}

// DragEnd ends a drag.
func (t *TrimBar) DragEnd() {
	if t.dragging >= 0 {
		t.dragging = -1
		t.changed()
	}
}

// focus takes the keyboard, as a control clicked does.
func (t *TrimBar) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil && c.Focused() != t {
		c.Focus(t)
	}
}

func (t *TrimBar) FocusGained() { t.focused = true; t.Refresh() }
func (t *TrimBar) FocusLost()   { t.focused = false; t.Refresh() }
func (t *TrimBar) TypedRune(r rune) {
	if r == ' ' {
		t.active = 1 - t.active
		t.Refresh()
		if t.OnMoving != nil {
			t.OnMoving(t.handleFrame(t.active))
		}
	}
}

func (t *TrimBar) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyLeft:
		t.move(t.active, t.handleFrame(t.active)-1)
		t.changed()
	case fyne.KeyRight:
		t.move(t.active, t.handleFrame(t.active)+1)
		t.changed()
	case fyne.KeyHome:
		t.move(t.active, 0)
		t.changed()
	case fyne.KeyEnd:
		t.move(t.active, t.n-1)
		t.changed()
	}
}

// trimHandle is a handle's width, and the room kept at each end for it.
const trimHandle = 10

func (t *TrimBar) MinSize() fyne.Size {
	t.ExtendBaseWidget(t)
	return fyne.NewSize(120, 28)
}

func (t *TrimBar) CreateRenderer() fyne.WidgetRenderer {
	r := &trimRenderer{t: t,
		track: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		kept:  canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		start: canvas.NewRectangle(theme.Color(theme.ColorNameForeground)),
		end:   canvas.NewRectangle(theme.Color(theme.ColorNameForeground)),
	}
	r.track.CornerRadius, r.kept.CornerRadius = 3, 3
	r.start.CornerRadius, r.end.CornerRadius = 3, 3
	return r
}

type trimRenderer struct {
	t                       *TrimBar
	track, kept, start, end *canvas.Rectangle
}

func (r *trimRenderer) Layout(s fyne.Size) {
	t := r.t
	w := s.Width - 2*trimHandle
	x := func(f int) float32 {
		if t.n <= 1 {
			return trimHandle
		}
		return trimHandle + w*float32(f)/float32(t.n-1)
	}
	barH := s.Height / 3
	r.track.Move(fyne.NewPos(trimHandle, (s.Height-barH)/2))
	r.track.Resize(fyne.NewSize(w, barH))
	x0, x1 := x(t.from), x(t.to-1)
	r.kept.Move(fyne.NewPos(x0, (s.Height-barH)/2))
	r.kept.Resize(fyne.NewSize(max(x1-x0, 2), barH))
	for i, h := range []*canvas.Rectangle{r.start, r.end} {
		at := x0
		if i == 1 {
			at = x1
		}
		hh := s.Height - 4
		if t.active == i && t.focused {
			hh = s.Height
		}
		h.Move(fyne.NewPos(at-trimHandle/2, (s.Height-hh)/2))
		h.Resize(fyne.NewSize(trimHandle, hh))
	}
}

func (r *trimRenderer) MinSize() fyne.Size { return r.t.MinSize() }
func (r *trimRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.kept, r.start, r.end}
}
func (r *trimRenderer) Destroy() {}
func (r *trimRenderer) Refresh() {
	r.track.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.kept.FillColor = theme.Color(theme.ColorNamePrimary)
	for i, h := range []*canvas.Rectangle{r.start, r.end} {
		h.FillColor = theme.Color(theme.ColorNameForeground)
		if r.t.focused && r.t.active == i {
			h.FillColor = theme.Color(theme.ColorNamePrimary)
		}
	}
	r.Layout(r.t.Size())
	canvas.Refresh(r.t)
}
