// Package budget bounds the work of a computation whose cost can grow
// without bound, such as a derivative of high order: the passes spend
// steps from a Budget, which checks its context's cancellation and
// deadline every so many steps and stops the computation when they have
// come.
//
// A pass deep in a computation has no error to return, so a Budget stops
// it by panicking with a *Stopped; the entry point of the computation
// recovers it with Catch and returns it as an error, as go/parser bails
// out of deep recursion.
package budget

import (
	"context"
)

// checkEvery is the number of steps between two looks at the context.
const checkEvery = 256

// A Budget bounds the work of one computation. A nil *Budget is unbounded.
// It is not safe for concurrent use.
type Budget struct {
	ctx  context.Context
	left int
}

// New returns a budget bounded by ctx.
func New(ctx context.Context) *Budget {
	b := Make(ctx)
	return &b
}

// Make returns a budget bounded by ctx, as a value to keep in a larger
// structure; use it through a pointer.
func Make(ctx context.Context) Budget {
	return Budget{ctx: ctx, left: checkEvery}
}

// Step spends k steps; when the context is done it stops the computation
// by panicking with a *Stopped.
func (b *Budget) Step(k int) {
	if b == nil {
		return
	}
	b.left -= k
	if b.left > 0 {
		return
	}
	b.left = checkEvery
	b.Check()
}

// Check stops the computation, panicking with a *Stopped, when the
// context is done.
func (b *Budget) Check() {
	if b == nil {
		return
	}
	if err := b.ctx.Err(); err != nil {
		panic(&Stopped{Err: context.Cause(b.ctx)})
	}
}

// Stopped is the error of a computation stopped by its context: Err is
// the context's cause (context.Canceled or context.DeadlineExceeded).
type Stopped struct {
	Err error
}

// Error describes the stop.
func (s *Stopped) Error() string { return "stopped: " + s.Err.Error() }

// Unwrap returns the context's cause.
func (s *Stopped) Unwrap() error { return s.Err }

// Catch recovers a *Stopped panic into *err; deferred by the entry point
// of a computation. Other panics go on.
func Catch(err *error) {
	if r := recover(); r != nil {
		s, ok := r.(*Stopped)
		if !ok {
			panic(r)
		}
		*err = s
	}
}
