package gui

import (
	"fmt"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// intSlider is a slider over whole numbers with its value shown beside it.
type intSlider struct {
	widget.BaseWidget
	Slider *widget.Slider
	label  *widget.Label
	suffix string
}

func newIntSlider(lo, hi, step int, suffix string, changed func(int)) *intSlider {
	s := &intSlider{Slider: widget.NewSlider(float64(lo), float64(hi)), label: widget.NewLabel(""), suffix: suffix}
	s.Slider.Step = float64(step)
	s.Slider.OnChanged = func(v float64) {
		s.show()
		if changed != nil {
			changed(s.Value())
		}
	}
	s.ExtendBaseWidget(s)
	s.show()
	return s
}

func (s *intSlider) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, s.label, s.Slider))
}

func (s *intSlider) show() {
	s.label.SetText(strconv.Itoa(s.Value()) + s.suffix)
}

// Value is the slider's whole number.
func (s *intSlider) Value() int { return int(math.Round(s.Slider.Value)) }

// SetValue moves the slider, within its limits.
func (s *intSlider) SetValue(v int) {
	s.Slider.SetValue(math.Min(math.Max(float64(v), s.Slider.Min), s.Slider.Max))
	s.show()
}

// floatSlider is a slider over decimals with its value shown beside it.
type floatSlider struct {
	widget.BaseWidget
	Slider *widget.Slider
	label  *widget.Label
}

func newFloatSlider(lo, hi, step float64, changed func(float64)) *floatSlider {
	s := &floatSlider{Slider: widget.NewSlider(lo, hi), label: widget.NewLabel("")}
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

func (s *floatSlider) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, s.label, s.Slider))
}

func (s *floatSlider) show() { s.label.SetText(fmt.Sprintf("%.2f", s.Value())) }

// Value is the slider's value, rounded to its step.
func (s *floatSlider) Value() float64 {
	if s.Slider.Step <= 0 {
		return s.Slider.Value
	}
	n := math.Round(s.Slider.Value / s.Slider.Step)
	return math.Round(n*s.Slider.Step*1e6) / 1e6
}

// SetValue moves the slider, within its limits.
func (s *floatSlider) SetValue(v float64) {
	s.Slider.SetValue(math.Min(math.Max(v, s.Slider.Min), s.Slider.Max))
	s.show()
}
