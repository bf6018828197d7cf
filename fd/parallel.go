package fd

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// forEach runs the tasks 0, …, n-1. newWorker is called once per worker
// and returns the function that runs one task; a worker runs its tasks
// one at a time, so it may keep scratch space. Sequentially, forEach
// stops at the first task that fails and returns its error. With
// concurrent, tasks run on up to runtime.GOMAXPROCS(0) goroutines and the
// error returned is still that of the lowest-numbered failing task, as in
// a sequential run: tasks are handed out in increasing order, and once a
// task fails no task after it is started.
func forEach(n int, concurrent bool, newWorker func() func(k int) error) error {
	workers := 1
	if concurrent {
		workers = min(runtime.GOMAXPROCS(0), n)
	}
	if workers <= 1 {
		if n == 0 {
			return nil
		}
		run := newWorker()
		for k := range n {
			if err := run(k); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next   atomic.Int64
		mu     sync.Mutex
		errIdx = n
		first  error
		wg     sync.WaitGroup
	)
	failedBefore := func(k int) bool {
		mu.Lock()
		defer mu.Unlock()
		return errIdx < k
	}
	for range workers {
		wg.Go(func() {
			run := newWorker()
			for {
				k := int(next.Add(1) - 1)
				if k >= n || failedBefore(k) {
					return
				}
				if err := run(k); err != nil {
					mu.Lock()
					if k < errIdx {
						errIdx, first = k, err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}
