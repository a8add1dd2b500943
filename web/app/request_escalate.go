package app

import (
	"context"
	"log/slog"
	"time"

	"kintai"
	"kintai/store"
)

// defaultEscalateCheck is how often the escalation loop looks whether the
// organisation's date has changed.
const defaultEscalateCheck = time.Minute

// escalateDaily runs the escalation of overdue approval steps (滞留) at
// start and then once per organisation day, by the injected clock: the
// loop looks every Config.EscalateCheck and runs when the date has moved
// on since its last successful run.
func (a *App) escalateDaily(stop <-chan struct{}) {
	every := a.cfg.EscalateCheck
	if every <= 0 {
		every = defaultEscalateCheck
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var done kintai.Date
	for {
		if today := a.today(); today != done {
			if _, err := a.escalate(context.Background()); err != nil {
				slog.Error("escalation of overdue requests failed", "err", err)
			} else {
				done = today
			}
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// escalate runs one escalation as the system and returns how many
// requests moved up.
func (a *App) escalate(ctx context.Context) (int, error) {
	var n int
	err := a.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		escalated, err := tx.EscalateOverdue(ctx)
		n = len(escalated)
		return err
	})
	if n > 0 {
		slog.Info("overdue requests escalated", "count", n)
	}
	return n, err
}
