//go:build race

package nabla

// raceEnabled reports a build with the race detector, under which
// sync.Pool drops what it holds at random and allocation counts mean
// nothing.
const raceEnabled = true
