package client

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kinds of failure the app can act on. Every error the Client returns for a
// request is a *Error whose Kind is one of these, so callers write
//
//	if errors.Is(err, client.ErrRateLimited) { ... }
//	var e *client.Error; if errors.As(err, &e) { wait(e.RetryAfter) }
var (
	ErrInvalidKey          = errors.New("the API key was not accepted")
	ErrInsufficientCredits = errors.New("the account has no credits left")
	ErrRateLimited         = errors.New("too many requests")
	ErrQueueFull           = errors.New("the account's queue is full") // also matches ErrRateLimited
	ErrValidation          = errors.New("some settings are not valid")
	ErrNotFound            = errors.New("the server does not know this request")
	ErrGenerationFailed    = errors.New("the server could not make the video")
	ErrTransient           = errors.New("a passing fault of the server or the network")
	ErrBadRequest          = errors.New("the server refused the request")
	ErrInsecureURL         = errors.New("the key would travel unencrypted")
	ErrNotImage            = errors.New("the file is not an image")
	ErrImageTooLarge       = errors.New("the image is too large")
	ErrTooLarge            = errors.New("the file is larger than allowed")
	ErrNoOutput            = errors.New("the server gave no link to the result")
	ErrStillProcessing     = errors.New("the video is still being made")
	ErrDisk                = errors.New("the file could not be saved")
)

// Error is the one error type of this package. It carries what the server
// said, with the key removed from every piece of text that came from outside.
type Error struct {
	Kind       error         // one of the Err* values above
	Op         string        // what was being done: "submit", "fetch 146", ...
	HTTPStatus int           // 0 when no answer came
	Status     string        // the body's status field, when there was one
	Message    string        // the server's message, or a sentence of ours
	Tip        string        // the server's hint (tip, tips or tip_1)
	RetryAfter time.Duration // for ErrRateLimited: how long to wait
	Fields     []FieldError  // for ErrValidation
	Err        error         // the underlying cause (network, decode), if any
	// Unsent is true when the request certainly never reached the server
	// (refused before sending, or no connection could be made), so sending
	// it again cannot charge twice.
	Unsent bool
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.Error())
	if len(e.Fields) > 0 {
		for i, f := range e.Fields {
			if i == 0 {
				b.WriteString(": ")
			} else {
				b.WriteString(" ")
			}
			b.WriteString(f.Message)
		}
	} else if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != 200 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Err != nil && e.Message == "" {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is matches the error's Kind, and ErrRateLimited for ErrQueueFull.
func (e *Error) Is(target error) bool {
	if target == e.Kind {
		return true
	}
	return target == ErrRateLimited && e.Kind == ErrQueueFull
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying again later may cure the error.
func (e *Error) Temporary() bool {
	switch e.Kind {
	case ErrTransient, ErrRateLimited, ErrQueueFull:
		return true
	}
	return false
}

// Advice is a sentence for the user: what to do about the error.
func (e *Error) Advice() string {
	switch e.Kind {
	case ErrInvalidKey:
		return "Check the API key in Settings: copy it again from your ModelsLab dashboard."
	case ErrInsufficientCredits:
		return "Add credits to your ModelsLab account, then try again."
	case ErrRateLimited, ErrQueueFull:
		return fmt.Sprintf("Wait %s, then try again.", humanDuration(e.RetryAfter))
	case ErrValidation:
		return "Correct the settings marked in red, then try again."
	case ErrNotFound:
		return "Results are kept for a limited time: Run again makes it anew."
	case ErrGenerationFailed:
		return "Try again; if it keeps failing, try another image or fewer frames."
	case ErrTransient:
		return "This is usually brief. Check your internet connection and try again in a minute."
	case ErrInsecureURL:
		return "Use an https:// address for the service."
	case ErrNotImage:
		return "Choose a PNG, JPEG, GIF or WebP picture."
	case ErrImageTooLarge:
		return "Choose a smaller picture, or make it smaller in a photo editor first."
	case ErrStillProcessing:
		return "Vivify will look for the result again later."
	case ErrDisk:
		return "Check that the disk has free space and the library folder can be written to."
	}
	return "Try again; if it keeps happening, copy the details and report it."
}

// Unsent reports whether err certainly kept the request from reaching the
// server.
func Unsent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Unsent
}

// IsTemporary reports whether err is a *Error that trying again may cure.
func IsTemporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Temporary()
}

func humanDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "a little while"
	case d < 90*time.Second:
		return fmt.Sprintf("%d seconds", int((d+time.Second-1)/time.Second))
	default:
		return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
	}
}

// DefaultRetryAfter is what a rate limit asks for when it does not say.
const DefaultRetryAfter = 30 * time.Second

var secondsInText = regexp.MustCompile(`(\d+)\s*(?:s\b|sec|second)`)

// classify turns a decoded error body into a *Error. It reads the body first
// and the HTTP status second, as the contract asks.
func classify(op string, httpStatus int, r *Response) *Error {
	e := &Error{
		Op:         op,
		HTTPStatus: httpStatus,
		Status:     r.Status,
		Message:    r.Message,
		Tip:        r.Tip,
		RetryAfter: r.RetryAfter,
	}
	msg := strings.ToLower(r.Message)
	switch {
	case len(r.FieldErrors) > 0:
		e.Kind = ErrValidation
		e.Fields = r.FieldErrors
	case strings.Contains(msg, "api key") || strings.Contains(msg, "invalid key") || httpStatus == 401:
		e.Kind = ErrInvalidKey
	case strings.Contains(msg, "credit") || strings.Contains(msg, "balance") || httpStatus == 402:
		e.Kind = ErrInsufficientCredits
	case strings.Contains(msg, "rate limit") || strings.Contains(msg, "queued request") ||
		strings.Contains(msg, "too many") || httpStatus == 429:
		e.Kind = ErrRateLimited
		if strings.Contains(msg, "queue") {
			e.Kind = ErrQueueFull
		}
		if e.RetryAfter <= 0 {
			e.RetryAfter = retryAfterFromText(r.Message + " " + r.Tip)
		}
	case strings.Contains(msg, "model id not found") || strings.Contains(msg, "model not found"):
		e.Kind = ErrValidation
		e.Fields = []FieldError{{Field: "model_id", Message: "The service does not know this model id. Try svd."}}
	case strings.Contains(msg, "not found") || httpStatus == 404:
		e.Kind = ErrNotFound
	case httpStatus >= 500 && r.Status != "failed":
		e.Kind = ErrTransient
	case r.Status == "failed" || strings.Contains(msg, "try again") || strings.Contains(msg, "fail"):
		e.Kind = ErrGenerationFailed
	default:
		e.Kind = ErrBadRequest
	}
	if e.Kind != ErrValidation && e.Message == "" {
		e.Message = fmt.Sprintf("the server answered %q with no explanation", r.Status)
	}
	return e
}

func retryAfterFromText(s string) time.Duration {
	if m := secondsInText.FindStringSubmatch(strings.ToLower(s)); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 && n < 3600 {
			return time.Duration(n) * time.Second
		}
	}
	return DefaultRetryAfter
}
