//go:build tinytable

package expr

// maxTable, under the build tag tinytable, is so small that the table
// starts afresh all the time: `go test -tags tinytable ./...` checks that
// no pass depends on equal nodes being the same pointer.
const maxTable = 1 << 7
