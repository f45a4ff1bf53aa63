package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"vivify/client"
)

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	var e *client.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			out[f.Field] += f.Message
		}
	}
	return out
}

// Each model's own rules, each error naming its field: in Vivify's check
// before sending, and in the sandbox's answer when sent anyway.
func TestModelValidationNamesFields(t *testing.T) {
	_, c := pair(t)
	kling, _ := client.LookupModel(client.FamilyPremium, "kling-v2-1-i2v")
	endFrame, _ := client.LookupModel(client.FamilyPremium, "Hailuo-02-start-end-frame")
	hd, _ := client.LookupModel(client.FamilyHD, "wan2.2")
	for _, tc := range []struct {
		name  string
		req   func() client.Request
		field string
	}{
		{"a Kling length of 7 seconds", func() client.Request {
			r := client.NewRequestFor(kling, imageServer(t)+"/a.png")
			r.Prompt, r.Duration = "waves", "7"
			return r
		}, "duration"},
		{"a premium model with no prompt", func() client.Request { return client.NewRequestFor(kling, imageServer(t)+"/a.png") }, "prompt"},
		{"HD over 720p", func() client.Request {
			r := client.NewRequestFor(hd, imageServer(t)+"/a.png")
			r.Resolution = 1080
			return r
		}, "resolution"},
		{"HD guidance over 8", func() client.Request {
			r := client.NewRequestFor(hd, imageServer(t)+"/a.png")
			r.GuidanceScale = 9
			return r
		}, "guidance_scale"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req().Validate()
			if f := fieldsOf(err); f[tc.field] == "" {
				t.Fatalf("Validate: %v, want an error naming %s", err, tc.field)
			}
			_, err = c.SubmitUnchecked(context.Background(), tc.req())
			if !errors.Is(err, client.ErrValidation) || fieldsOf(err)[tc.field] == "" {
				t.Fatalf("the sandbox: %v, want an error naming %s", err, tc.field)
			}
		})
	}
	// An end-frame model cannot be sent without its last frame, and says why.
	r := client.NewRequestFor(endFrame, "https://example.com/a.png")
	r.Prompt = "a door opens"
	if f := fieldsOf(r.Validate()); !strings.Contains(f["end_image"], "last frame") {
		t.Fatalf("no last frame: %v", f)
	}
	r.EndImage = "https://example.com/b.png"
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
}

// The chooser's words: names, never bare ids, and the model that really
// runs made plain.
func TestCatalogueLabels(t *testing.T) {
	svd, _ := client.LookupModel(client.FamilySeed, "svd")
	if got := svd.Label(); got != "Stable Video Diffusion (made by Wan 2.2 today)" {
		t.Fatalf("svd: %q", got)
	}
	seen := map[string]bool{}
	for _, m := range client.Catalogue {
		key := string(m.Family) + "/" + m.ID
		if seen[key] || m.Name == "" || m.Blurb == "" || m.Name == m.ID {
			t.Errorf("%s: a repeat, or no name or blurb", key)
		}
		seen[key] = true
		if m.Seconds(client.NewRequestFor(m, "")) <= 0 {
			t.Errorf("%s: no length", key)
		}
	}
	if len(client.ModelsOf(client.FamilyPremium)) != 12 || len(client.ModelsOf(client.FamilyHD)) != 2 || len(client.ModelsOf(client.FamilySeed)) != 3 {
		t.Fatal("the catalogue does not hold every model of the contract's sections 1-3 (but wan2.5-i2v)")
	}
}
