//go:build !race

package nabla

const raceEnabled = false
