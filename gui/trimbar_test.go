package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The trim bar is moved by a click (the nearer handle comes), a drag (the
// handle it began at) and the keyboard (Left and Right move the chosen
// handle, Space chooses the other), and always keeps a frame.
func TestTrimBar(t *testing.T) {
	test.NewTempApp(t)
	b := NewTrimBar(11) // frames 0…10, a frame every 20 px on 200
	w := test.NewWindow(b)
	defer w.Close()
	b.Resize(fyne.NewSize(200+2*trimHandle, 28))
	var moving []int
	var changed [][2]int
	b.OnMoving = func(f int) { moving = append(moving, f) }
	b.OnChanged = func(from, to int) { changed = append(changed, [2]int{from, to}) }
	x := func(f int) float32 { return trimHandle + float32(f)*20 }

	test.TapAt(b, fyne.NewPos(x(8), 14)) // nearer the end
	if from, to := b.Range(); from != 0 || to != 9 {
		t.Fatalf("after a click at frame 8: %d–%d", from, to)
	}
	for f := 1; f <= 3; f++ { // the start handle, three frames on, a frame at a time
		b.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x(f), 14)}, Dragged: fyne.Delta{DX: 20}})
	}
	b.DragEnd()
	if from, to := b.Range(); from != 3 || to != 9 {
		t.Fatalf("after dragging the start: %d–%d", from, to)
	}
	if w.Canvas().Focused() != b {
		t.Error("the bar did not take the keyboard when used")
	}
	b.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) // the start again
	b.TypedRune(' ')                                // now the end
	b.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if from, to := b.Range(); from != 4 || to != 8 {
		t.Fatalf("after the keys: %d–%d", from, to)
	}
	for range 20 { // the end cannot pass the start
		b.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	}
	if from, to := b.Range(); from != 4 || to != 5 {
		t.Fatalf("the end pushed past the start: %d–%d", from, to)
	}
	if len(changed) < 4 || changed[len(changed)-1] != [2]int{4, 5} || len(moving) == 0 {
		t.Errorf("told %v while moving %v", changed, moving)
	}
}
