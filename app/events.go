package app

import "sync"

// Broker fans queue events out to subscribers. Each subscriber shapes an
// event for who it is at the moment it takes the event: whole for their own
// items (all items, for admins), redacted otherwise, and not at all once
// their session has ended. Shaping on the subscriber's side means a
// demotion or a sign-out applies to the very next event, and the publisher
// (the worker) never waits on anyone's session check.
type Broker struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// NewBroker returns a broker with no subscribers.
func NewBroker() *Broker { return &Broker{subs: map[*Subscription]struct{}{}} }

// Viewer says who a subscription is for, as the store has them now, asked
// afresh for every event. An error means the subscriber's session is
// over: they get nothing more.
type Viewer func() (*User, error)

// Delivery is one published event, not yet shaped for its subscriber.
type Delivery struct {
	owner string
	ev    *QueueEvent
}

// Subscription receives deliveries on C until it is closed; Shape turns
// each into what the subscriber may see.
type Subscription struct {
	C      chan Delivery
	viewer Viewer
	b      *Broker
	// dropped counts events lost because the subscriber was slow.
	dropped int
}

// Subscribe starts a subscription for viewer. Close it when done.
func (b *Broker) Subscribe(viewer Viewer) *Subscription {
	s := &Subscription{C: make(chan Delivery, 256), viewer: viewer, b: b}
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

// Shape returns d as the subscriber may see it now: nil when there is
// nothing in it for them, and the viewer's error when their session is over.
func (s *Subscription) Shape(d Delivery) (*QueueEvent, error) {
	user, err := s.viewer()
	if err != nil {
		return nil, err
	}
	ev := d.ev
	if ev.Item != nil && Allowed(KindQueueItem, ActSeeWhole, RelationsOf(user, d.owner)) {
		whole, item := *ev, *ev.Item
		item.Mine, whole.Item = user.UserID == d.owner, &item
		return &whole, nil
	}
	return ev.RedactedFor(), nil
}

// Publish sends ev, for the item's owner, to every subscriber. A subscriber
// too slow to keep up loses events rather than holding up the queue.
func (b *Broker) Publish(owner string, ev *QueueEvent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		select {
		case s.C <- Delivery{owner: owner, ev: ev}:
		default:
			s.dropped++
		}
	}
}
