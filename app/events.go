package app

import "sync"

// Broker fans queue events out to subscribers, each getting the full event
// for their own items (all items, for admins) and a redacted one otherwise.
type Broker struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// NewBroker returns a broker with no subscribers.
func NewBroker() *Broker { return &Broker{subs: map[*Subscription]struct{}{}} }

// Viewer says who a subscription is for, asked afresh for every event so
// that a demoted admin stops seeing others' work at once.
type Viewer func() (userID string, admin bool)

// Subscription receives events on C until it is closed.
type Subscription struct {
	C      chan *QueueEvent
	viewer Viewer
	b      *Broker
	// dropped counts events lost because the subscriber was slow.
	dropped int
}

// Subscribe starts a subscription for viewer. Close it when done.
func (b *Broker) Subscribe(viewer Viewer) *Subscription {
	s := &Subscription{C: make(chan *QueueEvent, 256), viewer: viewer, b: b}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Close ends the subscription and closes C.
func (s *Subscription) Close() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if _, ok := s.b.subs[s]; ok {
		delete(s.b.subs, s)
		close(s.C)
	}
}

// Publish sends ev, for the item's owner, to every subscriber. A subscriber
// too slow to keep up loses events rather than holding up the queue. Viewer
// functions run outside the broker's lock, so they may take locks of their
// own.
func (b *Broker) Publish(owner string, ev *QueueEvent) {
	b.mu.Lock()
	subs := make([]*Subscription, 0, len(b.subs))
	for s := range b.subs {
		subs = append(subs, s)
	}
	b.mu.Unlock()

	shaped := make([]*QueueEvent, len(subs))
	for i, s := range subs {
		user, admin := s.viewer()
		var out *QueueEvent
		if ev.Item != nil && (user == owner || admin) {
			whole, item := *ev, *ev.Item
			item.Mine, whole.Item = user == owner, &item
			out = &whole
		} else if out = ev.RedactedFor(); out == nil {
			continue
		}
		out.For = user
		shaped[i] = out
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	for i, s := range subs {
		if _, open := b.subs[s]; !open || shaped[i] == nil {
			continue // closed meanwhile, or nothing for this viewer
		}
		select {
		case s.C <- shaped[i]:
		default:
			s.dropped++
		}
	}
}
