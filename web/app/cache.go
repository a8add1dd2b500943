package app

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
)

// Master data read on the punch path is cached. Changes made through this
// server clear the caches at once; changes made through another server
// sharing the database are noticed by polling the store's master version
// every masterPoll (watchMasterData). cacheTTL only bounds the rare case of
// an entry loaded just before a remote change and stored just after the
// poll cleared the caches; entries expire at a random point of its second
// half so that a whole ward's entries, loaded in the same morning minutes,
// are not re-read in the same second.
const (
	cacheTTL   = 2 * time.Minute
	masterPoll = time.Second
)

// watchMasterData returns a loop that clears the caches whenever the
// master version moves from the one read now, before anything is cached.
func (a *App) watchMasterData() func(stop <-chan struct{}) {
	last, err := a.db.MasterVersion(context.Background())
	if err != nil {
		last = -1
	}
	return func(stop <-chan struct{}) { a.pollMasterData(stop, last) }
}

func (a *App) pollMasterData(stop <-chan struct{}, last int64) {
	t := time.NewTicker(masterPoll)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), masterPoll)
		n, err := a.db.MasterVersion(ctx)
		cancel()
		if err != nil {
			// Log the first failure of a run only; the caches are
			// dropped so that nothing older than a poll is trusted.
			if !failing {
				slog.Warn("master version poll failed", "err", err)
			}
			failing = true
			a.forgetCaches()
			continue
		}
		failing = false
		if last >= 0 && n != last {
			a.forgetCaches()
		}
		last = n
	}
}

type cached[T any] struct {
	v   T
	exp time.Time
}

// ttlCache is a small map with expiry for the punch path, where one
// database read per punch per lookup would cost more than the write.
type ttlCache[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]cached[V]
}

func (c *ttlCache[K, V]) get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || now.After(e.exp) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[K, V]) put(k K, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 100000 {
		c.m = map[K]cached[V]{}
	}
	c.m[k] = cached[V]{v, now.Add(cacheTTL/2 + rand.N(cacheTTL/2))}
}

func (c *ttlCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

// terminalCache authenticates device credentials.
type terminalCache struct {
	ttlCache[string, *store.Terminal]
}

func (c *terminalCache) authenticate(ctx context.Context, db *store.DB, tok string, now time.Time) (*store.Terminal, error) {
	key := store.HashToken(tok)
	if t, ok := c.get(key, now); ok {
		return t, nil
	}
	t, err := db.AuthenticateTerminal(ctx, tok)
	if err != nil {
		return nil, err
	}
	c.put(key, t, now)
	return t, nil
}

// punchee is what deciding a punch needs to know about a staff member.
type punchee struct {
	staff    *kintai.Staff
	schedule store.Schedule
}

// punchCaches hold staff, their schedules and site geofences for the punch path.
type punchCaches struct {
	staff ttlCache[int64, *punchee]
	byNo  ttlCache[string, int64]
	sites ttlCache[int64, *kintai.Site]
}

func (a *App) punchee(ctx context.Context, staffID int64) (*punchee, error) {
	now := a.cfg.Now()
	if p, ok := a.punchCache.staff.get(staffID, now); ok {
		return p, nil
	}
	s, err := a.db.FindStaffByID(ctx, staffID)
	if err != nil {
		return nil, err
	}
	asg, err := a.db.FindPatternAssignments(ctx, staffID)
	if err != nil {
		return nil, err
	}
	p := &punchee{staff: s, schedule: store.Schedule{Assignments: asg, Loc: a.cfg.Loc}}
	a.punchCache.staff.put(staffID, p, now)
	return p, nil
}

func (a *App) staffIDByNo(ctx context.Context, no string) (int64, error) {
	now := a.cfg.Now()
	if id, ok := a.punchCache.byNo.get(no, now); ok {
		return id, nil
	}
	s, err := a.db.FindStaffByNo(ctx, no)
	if err != nil {
		return 0, err
	}
	a.punchCache.byNo.put(no, s.ID, now)
	return s.ID, nil
}

func (a *App) siteFence(ctx context.Context, siteID int64) (*punch.Fence, error) {
	if siteID == 0 {
		return nil, nil
	}
	now := a.cfg.Now()
	s, ok := a.punchCache.sites.get(siteID, now)
	if !ok {
		var err error
		if s, err = a.db.FindSiteByID(ctx, siteID); err != nil {
			return nil, err
		}
		a.punchCache.sites.put(siteID, s, now)
	}
	return punch.FenceOf(s), nil
}

// forgetCaches drops cached master data after this server changed it.
func (a *App) forgetCaches() {
	a.terminals.clear()
	a.punchCache.staff.clear()
	a.punchCache.byNo.clear()
	a.punchCache.sites.clear()
}
