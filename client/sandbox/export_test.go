package sandbox

// SavedState is the state file as its gate keeps it, for the fuzz test.
type SavedState = savedState

// DecodeState is the state file's gate, for the fuzz test.
func DecodeState(data []byte) *SavedState { return decodeState(data) }
