package main

import (
	"context"
	"sync"
	"time"
)

// deadline is a context that ends at a time, found out when asked: the
// computations poll Err (package budget does, every so many steps), so a
// derivative costs no timer unless something waits on Done. In batch
// mode, where every line has its own deadline, the timers of
// context.WithTimeout and their shared lock were a tenth of the work.
type deadline struct {
	at time.Time

	mu      sync.Mutex
	done    chan struct{} // made by the first Done
	timer   *time.Timer   // closes done at the deadline
	expired bool
	stopped bool
}

// Deadline returns the time the context ends.
func (d *deadline) Deadline() (time.Time, bool) { return d.at, true }

// Done returns a channel closed when the deadline has passed.
func (d *deadline) Done() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done == nil {
		d.done = make(chan struct{})
		switch {
		case d.expired || !time.Now().Before(d.at):
			d.expired = true
			close(d.done)
		case !d.stopped:
			d.timer = time.AfterFunc(time.Until(d.at), d.expire)
		}
	}
	return d.done
}

// Err returns context.DeadlineExceeded once the deadline has passed, and
// closes Done then if it was asked for.
func (d *deadline) Err() error {
	if time.Now().Before(d.at) { // the timer, if any, has not fired
		return nil
	}
	d.expire()
	return context.DeadlineExceeded
}

// Value returns nil: the context carries no values.
func (d *deadline) Value(key any) any { return nil }

// expire marks the deadline passed and closes Done.
func (d *deadline) expire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expireLocked()
}

func (d *deadline) expireLocked() {
	if d.expired {
		return
	}
	d.expired = true
	if d.done != nil {
		close(d.done)
	}
}

// stop releases the timer, if Done made one; the context's cancel
// function. A stopped deadline still reports its time as it comes.
func (d *deadline) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	if d.timer != nil {
		d.timer.Stop()
	}
}
