package render_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"easel/app"
	"easel/store"
)

func ptr[T any](v T) *T { return &v }

// noopGraph is the cheapest graph there is: what is left of an item's time
// is the queue's own overhead.
const noopGraph = `{"nodes": {"c": {"id": "c", "type": "solid_color", "width": 8, "height": 8}}, "edges": []}`

// BenchmarkEnqueue1000 queues a batch of 1000 items in one call.
func BenchmarkEnqueue1000(b *testing.B) {
	for _, tc := range []struct {
		name  string
		batch app.Batch
	}{
		{"runs", app.Batch{Graph: json.RawMessage(noopGraph), Runs: 1000}},
		{"distinct_values", app.Batch{Graph: json.RawMessage(noopGraph), Data: [][]app.BatchDatum{{{NodePath: "c", FieldName: "width", Items: widths(1000)}}}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := openStudio(b, b.TempDir(), false)
			s.setup()
			_, ctx := s.user("bench@t.co")
			b.ReportAllocs()
			for b.Loop() {
				res, err := s.queue.Enqueue(ctx, tc.batch, 0)
				if err != nil || res.Enqueued != 1000 {
					b.Fatal(err)
				}
				// Empty the queue between rounds: each round queues into a
				// queue as it is when someone starts, within their limit.
				b.StopTimer()
				if _, err := s.queue.Clear(s.admin); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

func widths(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = 8 + i%1000
	}
	return out
}

// BenchmarkQueueOverhead runs no-op items through the worker: ns/op is the
// queue's cost per item (claim, run, record, events).
func BenchmarkQueueOverhead(b *testing.B) {
	s := openStudio(b, b.TempDir(), false)
	s.setup()
	_, ctx := s.user("bench@t.co")
	if _, err := store.NewSettingsService(s.db).UpdateSettings(s.admin, app.SettingsUpdate{
		MaxPendingPerUser: ptr(app.MaxBatchItems), MaxItemsPerBatch: ptr(app.MaxBatchItems)}); err != nil {
		b.Fatal(err)
	}
	res, err := s.queue.Enqueue(ctx, app.Batch{Graph: json.RawMessage(noopGraph), Runs: b.N}, 0)
	if err != nil {
		b.Fatal(err)
	}
	last := res.ItemIDs[len(res.ItemIDs)-1]
	b.ResetTimer()
	if err := s.worker.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	for {
		it, _ := s.queue.FindItem(ctx, last)
		if it.Status.Finished() {
			break
		}
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	s.worker.Stop()
}
