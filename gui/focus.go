package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// focusRing makes keyboard focus plain: a ring around the control that has
// the keyboard (Fyne's own sign is a faint tint, invisible on Generate), and
// the form scrolled so that control is in view. Fyne says nothing when focus
// moves, so the window asks a few times a second while it is in front
// (follow).
type focusRing struct {
	win     fyne.Window
	ring    *canvas.Rectangle
	layer   *fyne.Container // over the window's content, holding the ring
	scrolls []*container.Scroll
	last    fyne.Focusable
	at      fyne.Position
	size    fyne.Size
}

func newFocusRing(win fyne.Window, scrolls ...*container.Scroll) *focusRing {
	r := &focusRing{win: win, scrolls: scrolls}
	r.ring = canvas.NewRectangle(color.Transparent)
	r.ring.StrokeWidth = 2
	r.ring.CornerRadius = theme.InputRadiusSize() + 2
	r.ring.Hide()
	r.layer = container.NewWithoutLayout(r.ring)
	return r
}

// Layer is what goes over the window's content.
func (r *focusRing) Layer() fyne.CanvasObject { return r.layer }

// Focused is the control the ring is around, or nil.
func (r *focusRing) Focused() fyne.Focusable {
	if !r.ring.Visible() {
		return nil
	}
	return r.last
}

// follow puts the ring where the focus is now, and scrolls a control that
// has just gained it into view.
func (r *focusRing) follow() {
	c := r.win.Canvas()
	f := c.Focused()
	obj, ok := f.(fyne.CanvasObject)
	if !ok || !obj.Visible() || c.Overlays().Top() != nil {
		// A dialog has its own focus; nothing focused shows nothing.
		r.hide()
		r.last = f
		return
	}
	if f != r.last {
		r.last = f
		r.scrollIntoView(obj)
	}
	if _, text := f.(interface{ SelectedText() string }); text {
		r.hide() // a text field shows its focus itself, plainly
		return
	}
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(obj).Subtract(d.AbsolutePositionForObject(r.layer))
	const out = 3 // the ring sits just outside the control
	pos = pos.SubtractXY(out, out)
	size := obj.Size().AddWidthHeight(2*out, 2*out)
	fg := theme.Color(theme.ColorNameForeground)
	if r.ring.Visible() && pos == r.at && size == r.size && r.ring.StrokeColor == fg {
		return
	}
	r.at, r.size = pos, size
	r.ring.StrokeColor = fg
	r.ring.Move(pos)
	r.ring.Resize(size)
	r.ring.Show()
	r.ring.Refresh()
}

func (r *focusRing) hide() {
	if r.ring.Visible() {
		r.ring.Hide()
	}
}

// scrollIntoView scrolls the scroll that holds obj so all of it shows.
func (r *focusRing) scrollIntoView(obj fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	for _, s := range r.scrolls {
		if !holds(s.Content, obj) {
			continue
		}
		top := d.AbsolutePositionForObject(obj).Y - d.AbsolutePositionForObject(s.Content).Y
		bottom := top + obj.Size().Height
		view := s.Size().Height
		pad := theme.Padding() * 2
		off := s.Offset
		switch {
		case top < off.Y:
			off.Y = max(top-pad, 0)
		case bottom > off.Y+view:
			off.Y = min(bottom-view+pad, s.Content.MinSize().Height-view)
		default:
			return
		}
		s.ScrollToOffset(off)
		return
	}
}

// holds reports whether obj is in the tree of o: containers and the
// form's own widgets are walked; a radio group holds what lies within its
// area (its items, which are not reachable otherwise).
func holds(o, obj fyne.CanvasObject) bool {
	if o == obj {
		return true
	}
	if !o.Visible() {
		return false
	}
	switch k := o.(type) {
	case *fyne.Container:
		for _, c := range k.Objects {
			if holds(c, obj) {
				return true
			}
		}
		return false
	case *intSlider:
		return obj == k.Slider
	case *floatSlider:
		return obj == k.Slider
	case *widget.RadioGroup: // its items are its own
		d := fyne.CurrentApp().Driver()
		a, p := d.AbsolutePositionForObject(o), d.AbsolutePositionForObject(obj)
		sz := o.Size()
		return p.X >= a.X && p.Y >= a.Y && p.X < a.X+sz.Width && p.Y < a.Y+sz.Height
	}
	return false
}
