package jobs

import (
	"strings"
	"testing"
)

// The gate, field class by field class: each row is a record with one
// field as a hostile folder would write it, and what admit must make of it.
func TestAdmitEveryFieldClass(t *testing.T) {
	base := `"id":"a","state":"done","output":"v.gif","created":"2026-12-01T10:00:00Z"`
	for _, tc := range []struct {
		class, record string
		check         func(j *Job) bool
		warned        bool
	}{
		{"a file name with a path", `{` + base + `,"thumbnail":"../../x.png"}`, func(j *Job) bool { return j.Thumbnail == "" }, true},
		{"a file name of another kind", `{` + base + `,"thumbnail":"thumb.exe"}`, func(j *Job) bool { return j.Thumbnail == "" }, true},
		{"a file name that is another of its files", `{` + base + `,"thumbnail":"v.gif"}`, func(j *Job) bool { return j.Thumbnail == "" }, true},
		{"a hidden file name", `{` + base + `,"source_file":".vivify.lock"}`, func(j *Job) bool { return j.SourceFile == "" }, true},
		{"an extension from the request", `{` + base + `,"request":{"output_type":"/../../.profile"}}`, func(j *Job) bool { return j.Request.OutputType == "gif" }, true},
		{"a link that is a file", `{` + base + `,"links":["file:///etc/passwd","https://ok.example/v.gif"]}`, func(j *Job) bool { return len(j.Links) == 1 }, true},
		{"too many links", `{` + base + `,"links":[` + strings.Repeat(`"https://a.example/v.gif",`, 40) + `"https://a.example/v.gif"]}`, func(j *Job) bool { return len(j.Links) == maxLinks }, true},
		{"an upload link that is not one", `{` + base + `,"upload_url":"javascript:x","uploaded_at":"2026-12-01T10:00:00Z"}`, func(j *Job) bool { return j.UploadURL == "" && j.UploadedAt.IsZero() }, false},
		{"a server id that is a path", `{` + base + `,"server_id":"../../wallet_balance"}`, func(j *Job) bool { return j.ServerID == "" }, true},
		{"a state that is not one", `{"id":"a","state":"warp"}`, func(j *Job) bool { return j.State == Interrupted && j.Failure != nil }, false},
		{"a step of a state that is not one", `{` + base + `,"steps":[{"state":"warp"},{"state":"done"}]}`, func(j *Job) bool { return len(j.Steps) == 1 }, false},
		{"a progress out of range", `{"id":"a","state":"processing","server_id":"1","progress":1e300}`, func(j *Job) bool { return j.Progress == 0 }, false},
		{"a negative seed", `{` + base + `,"seed":-5}`, func(j *Job) bool { return j.Seed == nil }, false},
		{"a time out of range", `{` + base + `,"eta":-1,"generation_time":9000000000000000000}`, func(j *Job) bool { return j.ETA == 0 && j.GenerationTime == 0 }, false},
		{"a cost out of range", `{` + base + `,"cost":{"amount":-1e308}}`, func(j *Job) bool { return j.Cost == nil }, false},
		{"a failure kind that is not one", `{"id":"a","state":"failed","failure":{"kind":"<script>","message":"a\u202eb\u0007"}}`, func(j *Job) bool { return j.Failure.Kind == "other" && j.Failure.Message == "ab" }, false},
		{"text with control and direction characters", `{` + base + `,"note":"x\u001b[2J\u202ey","model":"m\u0000"}`, func(j *Job) bool { return j.Note == "x[2Jy" && j.Model == "m" }, false},
		{"a length its model does not take", `{` + base + `,"request":{"family":"video-fusion","model_id":"kling-v2-1-i2v","duration":"7"}}`, func(j *Job) bool { return j.Request.Duration == "" }, true},
		{"an endpoint that is not one", `{` + base + `,"request":{"family":"../v9"}}`, func(j *Job) bool { return j.Request.Family == "" }, true},
		{"a model id with a path", `{` + base + `,"request":{"model_id":"../x?key"}}`, func(j *Job) bool { return j.Request.ModelID == "svd" }, true},
		{"a version of a count over the limit", `{` + base + `,"versions":[` + strings.Repeat(`{"file":"x.gif"},`, 3) + `{"file":"y.gif"}]}`, func(j *Job) bool { return len(j.Versions) == 2 }, false},
		{"a version with a size out of range", `{` + base + `,"versions":[{"file":"x.gif","width":99999999,"height":5,"bytes":-4,"seconds":1e300}]}`, func(j *Job) bool {
			v := j.Versions[0]
			return v.Width == 0 && v.Height == 0 && v.Bytes == 0 && v.Seconds == 0
		}, false},
		{"a job id that is a path", `{"id":"../x","state":"done"}`, nil, false},
	} {
		t.Run(tc.class, func(t *testing.T) {
			j, problems, err := decodeJob([]byte(tc.record), "/lib/job", "lib")
			if tc.check == nil {
				if err == nil {
					t.Fatalf("admitted: %+v", j)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(j) {
				t.Fatalf("kept as read: %+v", j)
			}
			if tc.warned && len(problems) == 0 {
				t.Fatal("dropped without a word")
			}
		})
	}
}
