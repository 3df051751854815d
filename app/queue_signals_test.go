package app_test

import (
	"context"
	"errors"
	"testing"

	"easel/app"
)

// TestQueueSignals: what the queue signals reaches a run that the worker
// started under the signals, whichever comes first, and signalling with no
// one listening neither blocks nor fails.
func TestQueueSignals(t *testing.T) {
	t.Run("OK a cancel stops a running item with ErrCanceled", func(t *testing.T) {
		s := app.NewQueueSignals()
		run, done := s.Running(context.Background(), 7)
		defer done()
		if run.Err() != nil {
			t.Fatal("the run began canceled")
		}
		s.Canceled(8) // another item: not this run
		if run.Err() != nil {
			t.Fatal("a cancel of another item stopped this run")
		}
		s.Canceled(7)
		if !errors.Is(context.Cause(run), app.ErrCanceled) {
			t.Fatalf("cause = %v, want ErrCanceled", context.Cause(run))
		}
	})

	t.Run("OK a cancel between the claim and the run begins the run canceled", func(t *testing.T) {
		s := app.NewQueueSignals()
		s.Canceled(7)
		run, done := s.Running(context.Background(), 7)
		defer done()
		if !errors.Is(context.Cause(run), app.ErrCanceled) {
			t.Fatalf("cause = %v, want ErrCanceled", context.Cause(run))
		}
		done()
		again, done2 := s.Running(context.Background(), 7) // the cancel was used up
		defer done2()
		if again.Err() != nil {
			t.Fatal("an old cancel stopped a later run")
		}
	})

	t.Run("OK the first cause stands: stopping before a cancel", func(t *testing.T) {
		s := app.NewQueueSignals()
		stopping := errors.New("stopping")
		parent, stop := context.WithCancelCause(context.Background())
		run, done := s.Running(parent, 7)
		defer done()
		stop(stopping)
		s.Canceled(7)
		if !errors.Is(context.Cause(run), stopping) {
			t.Fatalf("cause = %v, want the stop", context.Cause(run))
		}
	})

	t.Run("OK work arrived never blocks, and wakes once", func(t *testing.T) {
		s := app.NewQueueSignals()
		for range 3 {
			s.WorkArrived() // no one waits: must not block
		}
		select {
		case <-s.Work():
		default:
			t.Fatal("no wake-up after work arrived")
		}
		select {
		case <-s.Work():
			t.Fatal("three arrivals woke twice")
		default:
		}
	})
}
