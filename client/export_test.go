package client

import "context"

// ClassifyForTest exposes classify to the tests.
func ClassifyForTest(r *Response) *Error { return classify("test", 200, r) }

// SubmitUnchecked sends a request without validating it first, so tests can
// see the server's own validation come back.
func (c *Client) SubmitUnchecked(ctx context.Context, r Request) (*Response, error) {
	return c.call(ctx, "submit", r.Family.SubmitPath(), func(key string) any { return r.body(key) })
}
