package gui

import (
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// numSlider is a slider with its value shown beside it, read as T: whole
// numbers (intSlider) or decimals rounded to the step (floatSlider).
type numSlider[T int | float64] struct {
	widget.BaseWidget
	Slider *widget.Slider
	label  *widget.Label
	read   func(*widget.Slider) T // the slider's position as a value
	format func(T) string
}

type (
	intSlider   = numSlider[int]
	floatSlider = numSlider[float64]
)

func newIntSlider(lo, hi, step int, suffix string, changed func(int)) *intSlider {
	return newNumSlider(float64(lo), float64(hi), float64(step), changed,
		func(s *widget.Slider) int { return int(math.Round(s.Value)) },
		func(v int) string { return strconv.Itoa(v) + suffix })
}

func newFloatSlider(lo, hi, step float64, changed func(float64)) *floatSlider {
	return newNumSlider(lo, hi, step, changed, roundToStep,
		func(v float64) string { return Fixed(v, 2) })
}

func newNumSlider[T int | float64](lo, hi, step float64, changed func(T), read func(*widget.Slider) T, format func(T) string) *numSlider[T] {
	s := &numSlider[T]{Slider: widget.NewSlider(lo, hi), label: widget.NewLabel(""), read: read, format: format}
	s.Slider.Step = step
	s.Slider.OnChanged = func(float64) {
		s.show()
		if changed != nil {
			changed(s.Value())
		}
	}
	s.ExtendBaseWidget(s)
	s.show()
	return s
}

// roundToStep is a decimal slider's value, rounded to its step.
func roundToStep(s *widget.Slider) float64 {
	if s.Step <= 0 {
		return s.Value
	}
	n := math.Round(s.Value / s.Step)
	return math.Round(n*s.Step*1e6) / 1e6
}

func (s *numSlider[T]) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, s.label, s.Slider))
}

func (s *numSlider[T]) show() { s.label.SetText(s.format(s.Value())) }

// Value is the slider's value.
func (s *numSlider[T]) Value() T { return s.read(s.Slider) }

// SetValue moves the slider, within its limits.
func (s *numSlider[T]) SetValue(v T) {
	s.Slider.SetValue(math.Min(math.Max(float64(v), s.Slider.Min), s.Slider.Max))
	s.show()
}

// SetMax changes the slider's upper limit, keeping its value within it.
func (s *numSlider[T]) SetMax(hi float64) {
	if s.Slider.Max == hi {
		return
	}
	s.Slider.Max = hi
	if s.Slider.Value > hi {
		s.Slider.Value = hi
	}
	s.Slider.Refresh()
	s.show()
}
