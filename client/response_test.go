package client_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vivify/client"
)

func TestDecodeTakesEveryVariation(t *testing.T) {
	seed := int64(3811131349)
	cases := []struct {
		name  string
		body  string
		check func(t *testing.T, r *client.Response)
	}{
		{"documented success", `{"status":"success","generationTime":8.49,"id":146,
			"output":["https://cdn/video_generations/u.gif"],"proxy_links":["https://other/u.gif"],
			"meta":{"file_prefix":"u","fps":7,"height":512,"width":512,"init_image":"https://x/p.jpg",
			"instant_response":"no","temp":"yes","max_guidance_scale":3,"min_guidance_scale":1,"model_id":"svd",
			"motion_bucket_id":20,"noise_aug_strength":0.02,"num_frames":25,"num_inference_steps":20,"seed":3811131349}}`,
			func(t *testing.T, r *client.Response) {
				if !r.IsSuccess() || r.ID != "146" || r.GenerationTime != 8490*time.Millisecond {
					t.Errorf("%+v", r)
				}
				if got := r.Links(); len(got) != 2 || got[0] != "https://cdn/video_generations/u.gif" || got[1] != "https://other/u.gif" {
					t.Errorf("links %v", got)
				}
				m := r.Meta
				if m.Seed == nil || *m.Seed != seed || m.FPS != 7 || m.NumFrames != 25 || !m.Temp || m.InstantResponse ||
					m.ModelID != "svd" || m.NoiseAugStrength != 0.02 || m.MotionBucketID != 20 {
					t.Errorf("meta %+v", m)
				}
			}},
		{"processing with float eta", `{"status":"processing","id":146,"eta":416.94,"tip":"t","message":"Try to fetch",
			"fetch_result":"https://modelslab.com/api/v6/video/fetch/146","output":[],"future_links":["https://cdn/u.gif"],
			"meta":{"id":"146","track_id":"77","seed":"12"}}`,
			func(t *testing.T, r *client.Response) {
				if !r.IsPending() || r.ETA != 416940*time.Millisecond || r.Tip != "t" || r.FetchURL == "" {
					t.Errorf("%+v", r)
				}
				if r.Meta.TrackID != "77" || r.Meta.ID != "146" || r.Meta.Seed == nil || *r.Meta.Seed != 12 {
					t.Errorf("meta %+v", r.Meta)
				}
				if l := r.Links(); len(l) != 1 || l[0] != "https://cdn/u.gif" {
					t.Errorf("links %v", l)
				}
			}},
		{"string id, output empty string", `{"status":"processing","id":"147","output":"","eta":12}`,
			func(t *testing.T, r *client.Response) {
				if r.ID != "147" || len(r.Output) != 0 || r.ETA != 12*time.Second {
					t.Errorf("%+v", r)
				}
			}},
		{"fetch processing", `{"status":"processing","message":"try again later.","output":""}`,
			func(t *testing.T, r *client.Response) {
				if !r.IsPending() || r.ETA != 0 || r.Message != "try again later." {
					t.Errorf("%+v", r)
				}
			}},
		{"empty id on failure", `{"status":"failed","id":"","message":"Request not found","output":""}`,
			func(t *testing.T, r *client.Response) {
				if r.ID != "" || r.Status != "failed" || r.Message != "Request not found" {
					t.Errorf("%+v", r)
				}
			}},
		{"messege and tips", `{"status":"error","messege":"Rate limit exceeded","tips":"wait 30 seconds"}`,
			func(t *testing.T, r *client.Response) {
				if r.Message != "Rate limit exceeded" || r.Tip != "wait 30 seconds" {
					t.Errorf("%+v", r)
				}
			}},
		{"tip_1", `{"status":"error","message":"x","tip_1":"one"}`,
			func(t *testing.T, r *client.Response) {
				if r.Tip != "one" {
					t.Errorf("%+v", r)
				}
			}},
		{"validation object", `{"status":"error","message":{"width":["The width may not be greater than 512."],"init_image":"The init image field is required."}}`,
			func(t *testing.T, r *client.Response) {
				if len(r.FieldErrors) != 2 || r.FieldErrors[0].Field != "init_image" || r.FieldErrors[1].Field != "width" {
					t.Errorf("%+v", r.FieldErrors)
				}
				if !strings.Contains(r.Message, "may not be greater than 512") {
					t.Errorf("message %q", r.Message)
				}
			}},
		{"escaped slashes and unknown fields", `{"status":"success","id":1,"output":["https:\/\/cdn\/a.gif"],"webhook_status":"","tip_1":"x","extra":{"a":1}}`,
			func(t *testing.T, r *client.Response) {
				if r.Output[0] != "https://cdn/a.gif" {
					t.Errorf("output %v", r.Output)
				}
				if _, ok := r.Extra["webhook_status"]; !ok || string(r.Extra["extra"]) != `{"a":1}` {
					t.Errorf("extra %v", r.Extra)
				}
			}},
		{"missing links", `{"status":"success","id":3}`,
			func(t *testing.T, r *client.Response) {
				if len(r.Links()) != 0 || !r.IsSuccess() {
					t.Errorf("%+v", r)
				}
			}},
		{"success with only future links", `{"status":"success","id":3,"output":[],"future_links":["https://cdn/f.gif"]}`,
			func(t *testing.T, r *client.Response) {
				if l := r.Links(); len(l) != 1 || l[0] != "https://cdn/f.gif" {
					t.Errorf("links %v", l)
				}
			}},
		{"balance", `{"status":"success","data":{"balance":"43.6","currency":"USD"}}`,
			func(t *testing.T, r *client.Response) {
				if r.Balance == nil || r.Balance.Amount != 43.6 || r.Balance.Currency != "USD" {
					t.Errorf("%+v", r.Balance)
				}
			}},
		{"retry_after", `{"status":"error","message":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":30}`,
			func(t *testing.T, r *client.Response) {
				if r.RetryAfter != 30*time.Second {
					t.Errorf("%+v", r)
				}
			}},
		{"numbers as strings in meta", `{"status":"success","id":5,"output":["https://a/b.gif"],"meta":{"fps":"7","width":"512","min_guidance_scale":"1.5","temp":true}}`,
			func(t *testing.T, r *client.Response) {
				if r.Meta.FPS != 7 || r.Meta.Width != 512 || r.Meta.MinGuidanceScale != 1.5 || !r.Meta.Temp {
					t.Errorf("%+v", r.Meta)
				}
			}},
		{"status upper case", `{"status":"Success","id":5,"output":["https://a/b.gif"]}`,
			func(t *testing.T, r *client.Response) {
				if !r.IsSuccess() {
					t.Errorf("%+v", r)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := client.DecodeResponse([]byte(tc.body))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			tc.check(t, r)
		})
	}
}

func TestDecodeRefusesWhatIsNotAnAnswer(t *testing.T) {
	for _, body := range []string{"", "   ", "<html><body>502 Bad Gateway</body></html>", `{"status":"succ`, `[1,2]`, `"text"`, "null"} {
		if _, err := client.DecodeResponse([]byte(body)); err == nil {
			t.Errorf("%q decoded without error", body)
		}
	}
}

func FuzzDecodeResponse(f *testing.F) {
	for _, s := range []string{
		`{"status":"success","id":146,"output":["https://a/b.gif"],"meta":{"seed":3811131349}}`,
		`{"status":"processing","eta":416.94,"output":"","future_links":["x"]}`,
		`{"status":"error","message":{"width":["too wide"]}}`,
		`{"status":"error","messege":"Rate limit exceeded","tips":"wait 30 seconds","retry_after":"30"}`,
		`{"status":"success","data":{"balance":1e400,"currency":null}}`,
		`<html>`, `{"meta":{"seed":-1e30,"id":[1]}}`, `{"eta":"NaN","retry_after":-5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := client.DecodeResponse(body)
		if err != nil {
			if r != nil {
				t.Fatal("a response and an error")
			}
			return
		}
		_ = r.Links()
		if r.ETA < 0 || r.RetryAfter < 0 || r.GenerationTime < 0 {
			t.Fatalf("negative duration: %+v", r)
		}
		// Classifying any decoded answer must not panic either.
		_ = client.ClassifyForTest(r).Error()
	})
}

func TestErrorsMatchTheirKinds(t *testing.T) {
	cases := []struct {
		body string
		want error
	}{
		{`{"status":"error","message":"Invalid Api Key","tip":"check"}`, client.ErrInvalidKey},
		{`{"status":"error","message":"Insufficient credits. Please add more credits to continue."}`, client.ErrInsufficientCredits},
		{`{"status":"error","messege":"Rate limit exceeded","tips":"<wait 30 seconds>"}`, client.ErrRateLimited},
		{`{"status":"error","message":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":30}`, client.ErrQueueFull},
		{`{"status":"error","message":{"init_image":["The init image field is required."]}}`, client.ErrValidation},
		{`{"status":"error","message":"Model id not found"}`, client.ErrValidation},
		{`{"status":"error","message":"Invalid API Request","tip":"x"}`, client.ErrBadRequest},
		{`{"status":"failed","id":"","message":"Failed, Try Again","output":""}`, client.ErrGenerationFailed},
		{`{"status":"failed","id":"","message":"Request not found","output":""}`, client.ErrNotFound},
		{`{"status":"weird"}`, client.ErrBadRequest},
	}
	for _, tc := range cases {
		r, err := client.DecodeResponse([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		e := client.ClassifyForTest(r)
		if !errors.Is(e, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.body, e, tc.want)
		}
		if e.Advice() == "" {
			t.Errorf("%s: no advice", tc.body)
		}
	}
	var e *client.Error
	r, _ := client.DecodeResponse([]byte(`{"status":"error","messege":"Rate limit exceeded","tips":"<wait 45 seconds>"}`))
	if errors.As(error(client.ClassifyForTest(r)), &e); e.RetryAfter != 45*time.Second {
		t.Errorf("retry after from the tip: %v", e.RetryAfter)
	}
	if !errors.Is(e, client.ErrRateLimited) || !client.IsTemporary(e) {
		t.Error("rate limit is not temporary")
	}
}

// The id of a fetch_result link: the segment after "fetch", when plain.
func TestIDFromFetchURL(t *testing.T) {
	for link, want := range map[string]string{
		"https://modelslab.com/api/v7/video-fusion/fetch/146":       "146",
		"https://other.example/api/v6/video/fetch/abc-12?x=1":       "abc-12",
		"https://modelslab.com/api/v7/video-fusion/fetch/":          "",
		"https://modelslab.com/api/v7/video-fusion/fetch/..%2Fkey":  "",
		"https://modelslab.com/api/v7/video-fusion/fetch/1/../../x": "",
		"not a link at all": "",
		"":                  "",
	} {
		if got := client.IDFromFetchURL(link); got != want {
			t.Errorf("IDFromFetchURL(%q) = %q, want %q", link, got, want)
		}
	}
	r, err := client.DecodeResponse([]byte(`{"status":"processing","eta":30,"fetch_result":"https://modelslab.com/api/v7/video-fusion/fetch/9071"}`))
	if err != nil || r.ID != "9071" || !r.IsPending() {
		t.Fatalf("%+v %v", r, err)
	}
}
