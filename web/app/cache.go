package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
)

// Master data read on the punch path is cached, without expiry: every
// commit that changes such data clears this server's caches at once
// (store.DB.OnMasterChange), and a change made through another server
// sharing the database is noticed by polling the store's master version
// every masterPoll (watchMasterData). A cache's generation moves on each
// clear, and an entry read from the database is kept only if no clear
// came between the read and the put, so a value loaded just before a
// change is never kept after it.
//
// The staff cache is filled in bulk (warmCaches) when the server starts
// and again after each clear, so that a morning rush does not begin with
// ten thousand single-row reads in front of the punches.
const masterPoll = time.Second

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

// cacheLimit bounds each cache; past it the cache starts afresh.
const cacheLimit = 200000

// genCache is a map for the punch path, where one database read per punch
// per lookup would cost more than the write. Its generation moves on at
// each clear; put keeps a value only if it was read in the current one.
type genCache[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	gen uint64
}

func (c *genCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

// generation returns the generation to pass to put for a value about to
// be read.
func (c *genCache[K, V]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps v for k unless the cache was cleared since gen.
func (c *genCache[K, V]) put(k K, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= cacheLimit {
		c.m = map[K]V{}
	}
	c.m[k] = v
}

func (c *genCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
	c.gen++
}

// terminalCache authenticates device credentials.
type terminalCache struct {
	genCache[string, *store.Terminal]
}

func (c *terminalCache) authenticate(ctx context.Context, db *store.DB, tok string) (*store.Terminal, error) {
	key := store.HashToken(tok)
	if t, ok := c.get(key); ok {
		return t, nil
	}
	gen := c.generation()
	t, err := db.AuthenticateTerminal(ctx, tok)
	if err != nil {
		return nil, err
	}
	c.put(key, t, gen)
	return t, nil
}

// punchee is what deciding a punch needs to know about a staff member.
type punchee struct {
	staff    *kintai.Staff
	schedule store.Schedule
	// boundary is the entity's business-day boundary (day_boundary_min).
	boundary time.Duration
}

// businessDay returns the business day that instant at belongs to for
// the staff member: the night shift that began yesterday, say.
func (p *punchee) businessDay(at time.Time) kintai.Date {
	return punch.BusinessDay(at, p.schedule.Loc, p.schedule, p.boundary)
}

// punchCaches hold staff, their schedules, site geofences and card
// holders for the punch path.
type punchCaches struct {
	staff genCache[int64, *punchee]
	byNo  genCache[string, int64]
	sites genCache[int64, *kintai.Site]
	cards genCache[string, int64] // staff id by card (kiosk_api.go)
	// boundary holds the one business-day boundary of the rule settings.
	boundary genCache[struct{}, time.Duration]
	// warm asks warmLoop to fill the caches in bulk; warmed is closed
	// when the first fill has ended (/readyz waits for it).
	warm   chan struct{}
	warmed chan struct{}
}

// punchee returns what deciding a punch at instant at needs to know about
// staffID. The cached schedule holds the day shifts of a window around the
// day it was loaded; a punch outside it (a correction of last month, or
// the cache outliving the window) loads the window around at instead.
func (a *App) punchee(ctx context.Context, staffID int64, at time.Time) (*punchee, error) {
	day := kintai.DateOf(at, a.cfg.Loc)
	boundary, err := a.dayBoundary(ctx)
	if err != nil {
		return nil, err
	}
	// The generation is read first: a cached entry got after a clear is
	// then not put back under the new generation.
	gen := a.punchCache.staff.generation()
	p, ok := a.punchCache.staff.get(staffID)
	if ok && p.schedule.Covers(day) && p.boundary == boundary {
		return p, nil
	}
	if !ok {
		s, err := a.db.FindStaffByID(ctx, staffID)
		if err != nil {
			return nil, err
		}
		asg, err := a.db.FindPatternAssignments(ctx, staffID)
		if err != nil {
			return nil, err
		}
		p = &punchee{staff: s, schedule: store.Schedule{Assignments: asg}}
	}
	shifts, err := a.db.FindDayShifts(ctx, staffID, day.AddDays(-store.ScheduleWindow), day.AddDays(store.ScheduleWindow))
	if err != nil {
		return nil, err
	}
	p = &punchee{staff: p.staff, schedule: store.NewSchedule(p.schedule.Assignments, shifts, day, a.cfg.Loc), boundary: boundary}
	// Only a window around today is worth keeping.
	if p.schedule.Covers(kintai.DateOf(a.cfg.Now(), a.cfg.Loc)) {
		a.punchCache.staff.put(staffID, p, gen)
	}
	return p, nil
}

// dayBoundary returns the entity's business-day boundary, the rule
// setting day_boundary_min.
func (a *App) dayBoundary(ctx context.Context) (time.Duration, error) {
	if b, ok := a.punchCache.boundary.get(struct{}{}); ok {
		return b, nil
	}
	gen := a.punchCache.boundary.generation()
	rs, err := a.db.FindRuleSettings(ctx)
	if err != nil {
		return 0, err
	}
	b := time.Duration(rs.Rules.DayBoundaryMin) * time.Minute
	a.punchCache.boundary.put(struct{}{}, b, gen)
	return b, nil
}

func (a *App) staffIDByNo(ctx context.Context, no string) (int64, error) {
	if id, ok := a.punchCache.byNo.get(no); ok {
		return id, nil
	}
	gen := a.punchCache.byNo.generation()
	s, err := a.db.FindStaffByNo(ctx, no)
	if err != nil {
		return 0, err
	}
	a.punchCache.byNo.put(no, s.ID, gen)
	return s.ID, nil
}

func (a *App) siteFence(ctx context.Context, siteID int64) (*punch.Fence, error) {
	if siteID == 0 {
		return nil, nil
	}
	s, ok := a.punchCache.sites.get(siteID)
	if !ok {
		gen := a.punchCache.sites.generation()
		var err error
		if s, err = a.db.FindSiteByID(ctx, siteID); err != nil {
			return nil, err
		}
		a.punchCache.sites.put(siteID, s, gen)
	}
	return punch.FenceOf(s), nil
}

// forgetCaches drops cached master data after it changed, and asks for
// the staff cache to be filled again.
func (a *App) forgetCaches() {
	a.terminals.clear()
	a.punchCache.staff.clear()
	a.punchCache.byNo.clear()
	a.punchCache.sites.clear()
	a.punchCache.cards.clear()
	a.punchCache.boundary.clear()
	select {
	case a.punchCache.warm <- struct{}{}:
	default: // a fill is asked for already
	}
}

// warmLoop fills the staff caches in bulk when the server starts and
// after each clear; a burst of clears while a fill runs costs one more
// fill, not one each. Meanwhile the punch path loads what it misses.
func (a *App) warmLoop(stop <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-stop
		cancel()
	}()
	for first := true; ; first = false {
		if err := a.warmCaches(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("filling the punch caches failed", "err", err)
		}
		if first {
			close(a.punchCache.warmed)
		}
		select {
		case <-stop:
			return
		case <-a.punchCache.warm:
		}
	}
}

// warmCaches loads every staff member appointed today (or ended within
// the last week: a late punch or a correction) with their pattern
// assignments and the day shifts of the week either side, every site and
// every terminal credential into the punch caches.
func (a *App) warmCaches(ctx context.Context) error {
	gen, noGen, siteGen, termGen := a.punchCache.staff.generation(), a.punchCache.byNo.generation(),
		a.punchCache.sites.generation(), a.terminals.generation()
	today := kintai.DateOf(a.cfg.Now(), a.cfg.Loc)
	staff, err := a.db.FindStaffActive(ctx, today.AddDays(-7), today)
	if err != nil {
		return err
	}
	asg, err := a.db.FindAllPatternAssignments(ctx)
	if err != nil {
		return err
	}
	sites, err := a.db.FindSites(ctx)
	if err != nil {
		return err
	}
	shifts, err := a.db.FindAllDayShifts(ctx, today.AddDays(-store.ScheduleWindow), today.AddDays(store.ScheduleWindow))
	if err != nil {
		return err
	}
	terms, err := a.db.FindTerminalsByCredential(ctx)
	if err != nil {
		return err
	}
	boundary, err := a.dayBoundary(ctx)
	if err != nil {
		return err
	}
	for i := range staff {
		s := &staff[i]
		as := asg[s.ID]
		if as == nil {
			as = []store.PatternAssignment{}
		}
		a.punchCache.staff.put(s.ID, &punchee{staff: s, schedule: store.NewSchedule(as, shifts[s.ID], today, a.cfg.Loc), boundary: boundary}, gen)
		a.punchCache.byNo.put(s.StaffNo, s.ID, noGen)
	}
	for i := range sites {
		a.punchCache.sites.put(sites[i].ID, &sites[i], siteGen)
	}
	for hash, t := range terms {
		a.terminals.put(hash, t, termGen)
	}
	return nil
}
