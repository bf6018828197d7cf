//go:build !tinytable

package expr

// maxTable is the number of nodes the hash-consing table holds; each of
// its parts starts afresh when it holds its share.
const maxTable = 1 << 18
