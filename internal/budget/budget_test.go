package budget

import (
	"context"
	"errors"
	"testing"
	"time"
)

// stopped runs f and returns the *Stopped it panics with, or nil when it
// returns normally. Any other panic fails the test.
func stopped(t *testing.T, f func()) (s *Stopped) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			var ok bool
			if s, ok = r.(*Stopped); !ok {
				t.Fatalf("panic with %T (%v), want *Stopped", r, r)
			}
		}
	}()
	f()
	return nil
}

// canceled returns a context that is already canceled.
func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestNilBudgetIsUnbounded(t *testing.T) {
	var b *Budget
	if s := stopped(t, func() {
		for range 10 * checkEvery {
			b.Step(1)
		}
		b.Step(1 << 40)
		b.Check()
	}); s != nil {
		t.Fatalf("nil budget stopped: %v", s)
	}
}

func TestLiveContextDoesNotStop(t *testing.T) {
	tests := []struct {
		name string
		b    *Budget
	}{
		{"New", New(context.Background())},
		{"Make", func() *Budget { b := Make(context.Background()); return &b }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s := stopped(t, func() {
				for range 10 * checkEvery {
					tt.b.Step(1)
				}
				tt.b.Step(1000 * checkEvery)
				tt.b.Check()
			}); s != nil {
				t.Fatalf("live budget stopped: %v", s)
			}
		})
	}
}

func TestCanceledContextStops(t *testing.T) {
	tests := []struct {
		name string
		k    int // steps per call
	}{
		{"one step at a time", 1},
		{"several steps", 7},
		{"one large step", checkEvery},
		{"larger than the interval", 10 * checkEvery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(canceled())
			calls := 0
			s := stopped(t, func() {
				// The budget looks at its context every checkEvery
				// steps, so it stops within that many.
				for calls < checkEvery+1 {
					calls++
					b.Step(tt.k)
				}
			})
			if s == nil {
				t.Fatalf("Step(%d) did not stop after %d calls on a canceled context", tt.k, calls)
			}
			if want := (checkEvery + tt.k - 1) / tt.k; calls != want {
				t.Errorf("stopped after %d calls of Step(%d), want %d", calls, tt.k, want)
			}
			if got := s.Unwrap(); got != context.Canceled {
				t.Errorf("Unwrap() = %v, want context.Canceled", got)
			}
			if !errors.Is(s, context.Canceled) {
				t.Errorf("errors.Is(%v, context.Canceled) = false, want true", s)
			}
			if got, want := s.Error(), "stopped: context canceled"; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
		})
	}
}

func TestCheckStopsAtOnce(t *testing.T) {
	b := New(canceled())
	if s := stopped(t, b.Check); s == nil {
		t.Fatal("Check did not stop on a canceled context")
	}
	var nilB *Budget
	if s := stopped(t, nilB.Check); s != nil {
		t.Fatalf("Check on a nil budget stopped: %v", s)
	}
}

func TestCancelCause(t *testing.T) {
	cause := errors.New("user gave up")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	s := stopped(t, New(ctx).Check)
	if s == nil {
		t.Fatal("Check did not stop on a canceled context")
	}
	if got := s.Unwrap(); got != cause {
		t.Errorf("Unwrap() = %v, want %v", got, cause)
	}
	if got, want := s.Error(), "stopped: user gave up"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestDeadline(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	b := New(ctx)
	err := func() (err error) {
		defer Catch(&err)
		for {
			b.Step(1)
		}
	}()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one that is context.DeadlineExceeded", err)
	}
	var s *Stopped
	if !errors.As(err, &s) {
		t.Fatalf("err = %T, want *Stopped", err)
	}
	if got, want := err.Error(), "stopped: context deadline exceeded"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestCatch(t *testing.T) {
	t.Run("recovers a Stopped", func(t *testing.T) {
		want := &Stopped{Err: context.Canceled}
		err := func() (err error) {
			defer Catch(&err)
			panic(want)
		}()
		if err != want {
			t.Fatalf("err = %v, want the *Stopped panicked with", err)
		}
	})
	t.Run("recovers a stop from Step", func(t *testing.T) {
		b := New(canceled())
		err := func() (err error) {
			defer Catch(&err)
			for range 2 * checkEvery {
				b.Step(1)
			}
			return nil
		}()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want one that is context.Canceled", err)
		}
	})
	t.Run("no panic", func(t *testing.T) {
		sentinel := errors.New("returned")
		err := func() (err error) {
			defer Catch(&err)
			return sentinel
		}()
		if err != sentinel {
			t.Fatalf("err = %v, want the returned error kept", err)
		}
	})
	tests := []struct {
		name  string
		value any
	}{
		{"string", "boom"},
		{"other error", errors.New("not a stop")},
		{"Stopped by value", Stopped{Err: context.Canceled}},
	}
	for _, tt := range tests {
		t.Run("re-panics "+tt.name, func(t *testing.T) {
			var err error
			defer func() {
				r := recover()
				if r != tt.value {
					t.Errorf("re-panicked with %v, want %v", r, tt.value)
				}
				if err != nil {
					t.Errorf("err = %v, want nil", err)
				}
			}()
			func() {
				defer Catch(&err)
				panic(tt.value)
			}()
			t.Error("Catch swallowed the panic")
		})
	}
}
