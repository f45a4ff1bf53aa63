package sandbox

import "time"

// Endpoint names a part of the API, to aim a fault at it and to count its
// requests.
type Endpoint string

const (
	EndpointAny    Endpoint = ""
	EndpointSubmit Endpoint = "img2video"
	// EndpointSubmitHD and EndpointSubmitPremium are the HD and premium
	// endpoints; EndpointFetchV7 follows premium jobs.
	EndpointSubmitHD      Endpoint = "img2video_ultra"
	EndpointSubmitPremium Endpoint = "video-fusion"
	EndpointFetchV7       Endpoint = "video-fusion/fetch"
	EndpointFetch         Endpoint = "fetch"
	EndpointUpload        Endpoint = "base64_to_url"
	EndpointBalance       Endpoint = "wallet_balance"
	EndpointFiles         Endpoint = "files" // GET of outputs and uploads
)

// FaultKind is one way a real network or service misbehaves.
type FaultKind int

const (
	// ServerError answers with a JSON error and HTTP 500 (or Fault.Status).
	ServerError FaultKind = iota + 1
	// GatewayHTML answers with a gateway's HTML page and HTTP 502 (or
	// Fault.Status: 520, 524, ...).
	GatewayHTML
	// RateLimit answers HTTP 429 with retry_after (Fault.Delay, default 30 s).
	RateLimit
	// Slow waits Fault.Delay before answering normally.
	Slow
	// Hang never answers: the request is held until the client gives up.
	Hang
	// DropConnection closes the connection without an answer. With
	// AfterProcessing the request takes effect first (a job is created and
	// charged) and only the answer is lost.
	DropConnection
	// TruncateBody sends the headers and half of the body, then closes.
	// The request takes effect.
	TruncateBody
	// FailGeneration makes the next jobs submitted fail ("Failed, Try Again").
	FailGeneration
	// InvalidKey refuses every key.
	InvalidKey
	// NoCredits answers that the account has no credits left.
	NoCredits
)

// Fault is a misbehaviour switched on with Server.Inject.
type Fault struct {
	Kind     FaultKind
	Endpoint Endpoint      // which endpoint it hits; EndpointAny: all of them
	Times    int           // how many requests it hits; 0: until ClearFaults
	Delay    time.Duration // Slow: the delay; RateLimit: retry_after
	Status   int           // ServerError, GatewayHTML: the HTTP status
	// AfterProcessing, for DropConnection: the request takes effect and only
	// the answer is lost.
	AfterProcessing bool
}

// Quirks switch on the variations of section 3 of the contract: shapes real
// answers have been seen in. The zero value answers as the documented
// examples do.
type Quirks struct {
	StringIDs          bool          // top-level id as a JSON string ("146")
	EmptyOutputString  bool          // an empty output is "" instead of []
	Messege            bool          // the message field spelled "messege"
	IntegerETA         bool          // eta as an integer (real answers have floats)
	NoExtraLinks       bool          // proxy_links and future_links left out
	EscapedSlashes     bool          // links written as https:\/\/...
	ExtraFields        bool          // unknown fields: webhook_status, tip_1, ...
	StringNumbers      bool          // numbers in meta sent as strings
	SuccessEmptyOutput bool          // success with output empty; the link only in future_links
	SuccessNoLinksOnce bool          // a job's first success answer has no links; the next has them
	HTTPStatusCodes    bool          // errors with 400/401/402/404/429 instead of HTTP 200
	LinkDelay          time.Duration // outputs answer 404 for this long after success
	LinkDelay403       bool          // ... and 403 rather than 404
	// RunsSVD stands in for a server that still runs SVD: svd is not
	// replaced with wan2.2, as the live service has done since 2026-04.
	RunsSVD        bool
	StrictModels   bool // an unknown model id gets "Model id not found"
	EchoKey        bool // a hostile server: error messages repeat the key sent
	EchoKeyEscaped bool // every answer repeats the key \u-escaped, in meta.model_id and a field
	// FetchResultOnly: a premium (v7) answer that is still processing
	// gives no id and no meta, only fetch_result, whose link is on
	// another host (its shape recorded from a public integration).
	FetchResultOnly bool
}
