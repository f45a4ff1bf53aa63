//go:build !race

package finish

const raceOn = false
