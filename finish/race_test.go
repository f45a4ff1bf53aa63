//go:build race

package finish

// raceOn is set when the tests run with the race detector.
const raceOn = true
