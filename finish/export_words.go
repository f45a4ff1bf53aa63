package finish

// GaveUpWords is what a GIF that kept f gave up, as Result.GaveUp says it.
func GaveUpWords(f Fitted) string { return f.gaveUp() }
