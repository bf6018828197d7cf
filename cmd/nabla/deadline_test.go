package main

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDeadline(t *testing.T) {
	// Polled: Err turns when the time comes, without Done.
	d := &deadline{at: time.Now().Add(20 * time.Millisecond)}
	if err := d.Err(); err != nil {
		t.Fatalf("Err before the deadline = %v", err)
	}
	time.Sleep(30 * time.Millisecond)
	if err := d.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err after the deadline = %v, want DeadlineExceeded", err)
	}
	select {
	case <-d.Done():
	default:
		t.Fatal("Done asked after the deadline is open")
	}
	if err := context.Cause(d); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Cause = %v", err)
	}

	// Waited on: Done closes at the deadline.
	d = &deadline{at: time.Now().Add(10 * time.Millisecond)}
	select {
	case <-d.Done():
		if err := d.Err(); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Err once Done closed = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Done did not close at the deadline")
	}

	// A derived context ends with it.
	d = &deadline{at: time.Now().Add(10 * time.Millisecond)}
	child, cancel := context.WithCancel(d)
	defer cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a derived context did not end at the deadline")
	}

	// Stopped: no timer is left behind, and Err still tells the time.
	d = &deadline{at: time.Now().Add(time.Hour)}
	d.Done()
	d.stop()
	if d.timer == nil || d.timer.Stop() {
		t.Fatal("stop left the timer running")
	}
	if err := d.Err(); err != nil {
		t.Fatalf("Err of a stopped deadline before its time = %v", err)
	}
}
