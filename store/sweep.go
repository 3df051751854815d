package store

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"easel/app"
	"easel/store/kv"
)

// SweepEvery is how often a running Easel drops what has outlived its use:
// expired sessions, forgotten login failures and audit entries past their
// retention. Without it these grow with every sign-in and every guess.
const SweepEvery = 10 * time.Minute

// failureMemory is how long after a login failure's wait has run out the
// failure is still remembered. Every email's failures are forgotten alike,
// existing or not, so forgetting tells nothing about who has a profile.
const failureMemory = time.Hour

// sweepBatch bounds what one sweep transaction deletes, so that a sweep
// after a long pause does not hold the write lock for long.
const sweepBatch = 10_000

var errNothingToSweep = errors.New("nothing to sweep")

// SweepResult says what a sweep dropped.
type SweepResult struct {
	Sessions, Failures, AuditEntries int
}

// Sweep drops expired sessions, login failures whose throttle window has
// passed and audit entries older than the retention setting.
func (db *DB) Sweep() (SweepResult, error) {
	var res SweepResult
	now := db.now()
	for _, step := range []struct {
		count *int
		fn    func(tx kv.Tx, now time.Time) (int, error)
	}{
		{&res.Sessions, sweepSessions},
		{&res.Failures, sweepFailures},
		{&res.AuditEntries, sweepAudit},
	} {
		for {
			var n int
			err := db.update(func(tx kv.Tx) (err error) {
				if n, err = step.fn(tx, now); err == nil && n == 0 {
					return errNothingToSweep // roll back: no commit, no write to the disk
				}
				return err
			})
			if err != nil && !errors.Is(err, errNothingToSweep) {
				return res, err
			}
			*step.count += n
			if n < sweepBatch {
				break
			}
		}
	}
	return res, nil
}

// SweepWhileRunning runs Sweep every interval until ctx ends, logging what
// it dropped and any failure (a failed sweep is tried again next time).
func (db *DB) SweepWhileRunning(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if res, err := db.Sweep(); err != nil {
				log.Error("sweep", "err", err)
			} else if res != (SweepResult{}) {
				log.Info("sweep", "sessions", res.Sessions, "login_failures", res.Failures, "audit_entries", res.AuditEntries)
			}
		}
	}
}

func sweepSessions(tx kv.Tx, now time.Time) (int, error) {
	type expired struct{ user, id string }
	var gone []expired
	c := tx.Bucket(bucketSessions).Cursor()
	for k, v := c.First(); k != nil && len(gone) < sweepBatch; k, v = c.Next() {
		var s sessionRecord
		if err := json.Unmarshal(v, &s); err != nil {
			return 0, err
		}
		if !now.Before(s.ExpiresAt) {
			gone = append(gone, expired{s.UserID, string(k)})
		}
	}
	for _, e := range gone {
		if err := deleteSession(tx, e.user, e.id); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}

func sweepFailures(tx kv.Tx, now time.Time) (int, error) {
	b := tx.Bucket(bucketLoginFailures)
	var gone [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil && len(gone) < sweepBatch; k, v = c.Next() {
		var f failureRecord
		if err := json.Unmarshal(v, &f); err != nil {
			return 0, err
		}
		if !now.Before(f.Last.Add(app.LoginDelay(f.Count) + failureMemory)) {
			gone = append(gone, append([]byte(nil), k...))
		}
	}
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}

// sweepAudit drops the oldest entries while they are older than the
// retention; entries are keyed in the order they were written.
func sweepAudit(tx kv.Tx, now time.Time) (int, error) {
	set, err := settingsIn(tx)
	if err != nil || set.AuditRetentionDays == 0 {
		return 0, err
	}
	cutoff := now.AddDate(0, 0, -set.AuditRetentionDays)
	c := tx.Bucket(bucketAudit).Cursor()
	n := 0
	for k, v := c.First(); k != nil && n < sweepBatch; k, v = c.First() {
		var e app.AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return n, err
		}
		if !e.At.Before(cutoff) {
			break
		}
		if err := c.Delete(); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
