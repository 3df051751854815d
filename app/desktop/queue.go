package desktop

import "easel/app"

// Queue is bound into the window: the render queue.
type Queue struct{ s *Session }

// EventQueue carries queue events to the page: whole for the signed-in
// user's own items (everyone's, for an admin), redacted for the rest.
const EventQueue = "queue:event"

func (q *Queue) Enqueue(b app.Batch, priority int) (*app.EnqueueResult, error) {
	ctx, err := q.s.context()
	if err != nil {
		return nil, err
	}
	out, err := q.s.svc.Queue.Enqueue(ctx, b, priority)
	return out, toJS(err)
}

// List is the newest items (up to app.MaxListed), oldest first.
func (q *Queue) List() ([]*app.QueueItem, error) {
	ctx, err := q.s.context()
	if err != nil {
		return nil, err
	}
	page, err := q.s.svc.Queue.ListItems(ctx, app.QueueFilter{PageRequest: app.PageRequest{Limit: app.MaxListed}, Newest: true})
	if err != nil {
		return nil, toJS(err)
	}
	return page.Items, nil
}

func (q *Queue) Get(id uint64) (*app.QueueItem, error) {
	ctx, err := q.s.context()
	if err != nil {
		return nil, err
	}
	out, err := q.s.svc.Queue.FindItem(ctx, id)
	return out, toJS(err)
}

func (q *Queue) Status() (*app.QueueStatusReport, error) {
	ctx, err := q.s.context()
	if err != nil {
		return nil, err
	}
	out, err := q.s.svc.Queue.Status(ctx)
	return out, toJS(err)
}

func (q *Queue) Cancel(id uint64) (*app.QueueItem, error) {
	ctx, err := q.s.context()
	if err != nil {
		return nil, err
	}
	out, err := q.s.svc.Queue.CancelItem(ctx, id)
	return out, toJS(err)
}

func (q *Queue) Delete(id uint64) error {
	ctx, err := q.s.context()
	if err != nil {
		return err
	}
	return toJS(q.s.svc.Queue.DeleteItem(ctx, id))
}

func (q *Queue) Retry(ids []uint64) ([]uint64, error) {
	ctx, err := q.s.context()
	if err != nil {
		return nil, err
	}
	out, err := q.s.svc.Queue.Retry(ctx, ids)
	return out, toJS(err)
}

func (q *Queue) Clear() (int, error) {
	ctx, err := q.s.context()
	if err != nil {
		return 0, err
	}
	n, err := q.s.svc.Queue.Clear(ctx)
	return n, toJS(err)
}

func (q *Queue) Prune() (int, error) {
	ctx, err := q.s.context()
	if err != nil {
		return 0, err
	}
	n, err := q.s.svc.Queue.Prune(ctx)
	return n, toJS(err)
}

func (q *Queue) SetPaused(paused bool) error {
	ctx, err := q.s.context()
	if err != nil {
		return err
	}
	return toJS(q.s.svc.Queue.SetPaused(ctx, paused))
}

// Workflows lists the built-in workflows the Generate panel offers.
func (q *Queue) Workflows() (any, error) {
	if _, err := q.s.context(); err != nil {
		return nil, err
	}
	return q.s.svc.Workflows, nil
}

// forwardQueueEvents sends queue events to the page while someone is
// signed in, each shaped for the window's session as it is at that moment.
func (s *Session) forwardQueueEvents(done <-chan struct{}) {
	sub := s.svc.Broker.Subscribe(func() (*app.User, error) {
		s.mu.Lock()
		token := s.token
		s.mu.Unlock()
		a, err := s.svc.Auth.Authenticate(s.base, token)
		if err != nil {
			return nil, err
		}
		return a.User, nil
	})
	defer sub.Close()
	for {
		select {
		case <-done:
			return
		case d := <-sub.C:
			// Signed out (or locked) windows get nothing; the subscription
			// stays for whoever signs in next.
			if ev, err := sub.Shape(d); err == nil && ev != nil {
				s.rt.Emit(EventQueue, ev)
			}
		}
	}
}
