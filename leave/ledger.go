package leave

import (
	"cmp"
	"fmt"
	"slices"

	"kintai"
)

// Grant is leave granted (付与) to one staff member: a year's annual leave,
// the days carried over from the year before, a 代休 owed or a month's
// 超勤代休時間.
type Grant struct {
	Amount    Amount      `json:"amount"`
	GrantedOn kintai.Date `json:"granted_on"`
	// ExpiresOn is the last day it may be used; zero for never.
	ExpiresOn kintai.Date `json:"expires_on"`
	// Carried marks days carried over from the previous year. They are not
	// carried again, and by default they are used first.
	Carried bool `json:"carried"`
	// Note says where the grant comes from, e.g. "2025年分" or
	// "別表第1（4/1採用）".
	Note string `json:"note,omitempty"`
}

// ActiveOn reports whether g may be drawn on day d.
func (g Grant) ActiveOn(d kintai.Date) bool {
	return !d.Before(g.GrantedOn) && (g.ExpiresOn.IsZero() || !d.After(g.ExpiresOn))
}

// Ledger is one staff member's grants and uses of one kind of balance
// (年次休暇, 代休 or 超勤代休時間). Uses draw on the grants valid on their
// date: carried-over days first (when CarriedFirst), then whatever expires
// soonest. The ledger's day length applies to every entry; when a staff
// member's hours change, the caller converts the balance into a new
// ledger.
type Ledger struct {
	// DayMin is the minutes of one day for this staff member (DayMinutes).
	DayMin int `json:"day_min"`
	// MorningMin is the minutes of a morning half day; the afternoon is
	// the rest of the day.
	MorningMin   int  `json:"morning_min"`
	CarriedFirst bool `json:"carried_first"`
	LastFraction bool `json:"last_fraction"`
	// FreeMinutes lets uses take any whole minutes, their units being
	// checked elsewhere (超勤代休時間: CheckCompDesignation).
	FreeMinutes bool    `json:"free_minutes,omitempty"`
	Grants      []Grant `json:"grants"`
	Uses        []Use   `json:"uses"`
}

// NewLedger returns an empty ledger for a day of dayMin minutes under s.
func NewLedger(dayMin int, s Settings) Ledger {
	morning, _ := s.HalfDays(dayMin)
	return Ledger{DayMin: dayMin, MorningMin: morning, CarriedFirst: s.CarriedFirst, LastFraction: s.LastFraction}
}

// Validate checks the ledger's grants and that every use can be drawn.
func (l *Ledger) Validate() error {
	if l.DayMin <= 0 {
		return kintai.Invalid("day_min", "1日の時間数が設定されていません。", "The ledger has no day length.")
	}
	for _, g := range l.Grants {
		if err := g.validate(l.DayMin); err != nil {
			return err
		}
	}
	_, err := l.allocate(kintai.Date{}, true)
	return err
}

func (g Grant) validate(dayMin int) error {
	switch {
	case g.Amount.Minutes(dayMin) <= 0:
		return kintai.Invalid("amount", "付与日数は正の値で指定してください。", "A grant must be positive.")
	case g.GrantedOn.IsZero():
		return kintai.Invalid("granted_on", "付与日を入力してください。", "The grant date is required.")
	case !g.ExpiresOn.IsZero() && g.ExpiresOn.Before(g.GrantedOn):
		return kintai.Invalid("expires_on", "有効期限が付与日より前です。", "A grant expires before it is granted.")
	}
	return nil
}

// lotsOn returns the indices of the grants valid on d in the order they
// are drawn on.
func (l *Ledger) lotsOn(d kintai.Date) []int {
	var idx []int
	for i, g := range l.Grants {
		if g.ActiveOn(d) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ga, gb := l.Grants[a], l.Grants[b]
		if ga.Carried != gb.Carried {
			// Carried days first, or the year's own first.
			if ga.Carried == l.CarriedFirst {
				return -1
			}
			return 1
		}
		return cmp.Or(compareExpiry(ga.ExpiresOn, gb.ExpiresOn), compareDate(ga.GrantedOn, gb.GrantedOn))
	})
	return idx
}

func compareDate(a, b kintai.Date) int {
	switch {
	case a.Before(b):
		return -1
	case a.After(b):
		return 1
	}
	return 0
}

// compareExpiry orders expiry dates, the zero date (never) last.
func compareExpiry(a, b kintai.Date) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return compareDate(a, b)
}

// allocate draws the uses dated on or before through (every use when all)
// on the grants in date order and returns the minutes drawn from each
// grant.
func (l *Ledger) allocate(through kintai.Date, all bool) ([]int, error) {
	drawn := make([]int, len(l.Grants))
	order := make([]int, len(l.Uses))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareDate(l.Uses[a].Date, l.Uses[b].Date) })
	for _, ui := range order {
		u := l.Uses[ui]
		if !all && u.Date.After(through) {
			break
		}
		if err := l.draw(u, drawn); err != nil {
			return drawn, err
		}
	}
	return drawn, nil
}

// draw takes u from the grants valid on its date.
func (l *Ledger) draw(u Use, drawn []int) error {
	if u.Date.IsZero() {
		return kintai.Invalid("date", "日付を入力してください。", "Date is required.")
	}
	lots := l.lotsOn(u.Date)
	left := 0
	for _, i := range lots {
		left += l.Grants[i].Amount.Minutes(l.DayMin) - drawn[i]
	}
	need := u.Amount.Minutes(l.DayMin)
	morning, afternoon := halfDay(l.DayMin, l.MorningMin)
	if l.FreeMinutes {
		if need <= 0 {
			return kintai.Invalid("amount", "取得する時間を指定してください。", "The amount of leave must be positive.")
		}
	} else if err := checkUnit(u.Unit, need, l.DayMin, morning, afternoon, left, l.LastFraction); err != nil {
		return err
	}
	if need > left {
		have, ask := FromMinutes(left, l.DayMin), FromMinutes(need, l.DayMin)
		return kintai.Invalid("amount",
			fmt.Sprintf("%sの休暇の残りが足りません（残り%s、申請%s）。", u.Date, have, ask),
			fmt.Sprintf("Not enough leave left on %s (%s left, %s asked).", u.Date, have.English(), ask.English()))
	}
	for _, i := range lots {
		take := min(need, l.Grants[i].Amount.Minutes(l.DayMin)-drawn[i])
		drawn[i] += take
		need -= take
		if need == 0 {
			break
		}
	}
	return nil
}

// Check reports whether uses may be added to l: every use, old and new,
// must still be drawable in date order (a use back-dated before others
// can leave a later one short, and that is an error too).
func (l *Ledger) Check(uses ...Use) error {
	m := *l
	m.Uses = slices.Concat(l.Uses, uses)
	_, err := m.allocate(kintai.Date{}, true)
	return err
}

// Add checks uses (Check) and appends them to l.
func (l *Ledger) Add(uses ...Use) error {
	if err := l.Check(uses...); err != nil {
		return err
	}
	l.Uses = append(l.Uses, uses...)
	return nil
}

// Balance is what a ledger holds on a day (残日数).
type Balance struct {
	AsOf   kintai.Date `json:"as_of"`
	DayMin int         `json:"day_min"`
	// Remaining is what may still be used on AsOf, normalised: Carried
	// from last year plus Current (the year's own grants).
	Remaining Amount `json:"remaining"`
	Carried   Amount `json:"carried"`
	Current   Amount `json:"current"`
	// Granted is the total of the grants valid on AsOf and Used what uses
	// up to AsOf took from them.
	Granted Amount `json:"granted"`
	Used    Amount `json:"used"`
	// Booked is what uses after AsOf (approved in advance) will take from
	// Remaining.
	Booked Amount `json:"booked"`
	// Lots are the grants valid on AsOf in the order they are drawn on.
	Lots []Lot `json:"lots"`
}

// Lot is one grant in a Balance.
type Lot struct {
	Grant     Grant  `json:"grant"`
	Used      Amount `json:"used"`
	Remaining Amount `json:"remaining"`
}

// Balance returns what l holds on asOf, after the uses dated on or
// before it. It fails when some use up to asOf cannot be drawn.
func (l *Ledger) Balance(asOf kintai.Date) (Balance, error) {
	drawn, err := l.allocate(asOf, false)
	if err != nil {
		return Balance{}, err
	}
	var booked []int
	if b, err := l.allocate(asOf, true); err == nil {
		booked = b
	}
	b := Balance{AsOf: asOf, DayMin: l.DayMin, Lots: []Lot{}}
	var remaining, carried, granted, used, later int
	for _, i := range l.lotsOn(asOf) {
		g := l.Grants[i]
		gm := g.Amount.Minutes(l.DayMin)
		left := gm - drawn[i]
		granted += gm
		used += drawn[i]
		remaining += left
		if g.Carried {
			carried += left
		}
		if booked != nil {
			later += booked[i] - drawn[i]
		}
		b.Lots = append(b.Lots, Lot{Grant: g, Used: FromMinutes(drawn[i], l.DayMin), Remaining: FromMinutes(left, l.DayMin)})
	}
	b.Remaining = FromMinutes(remaining, l.DayMin)
	b.Carried = FromMinutes(carried, l.DayMin)
	b.Current = FromMinutes(remaining-carried, l.DayMin)
	b.Granted = FromMinutes(granted, l.DayMin)
	b.Used = FromMinutes(used, l.DayMin)
	b.Booked = FromMinutes(later, l.DayMin)
	return b, nil
}

// CarryOver returns the grant that carries the year's unused own leave
// past yearEnd (繰越, 勤務時間法 第17条): what is left on yearEnd of the
// grants that are not themselves carried and expire that day, up to
// maxDays days (fractions of a day carry too), valid from the next day to
// expiresOn. Days already carried are not carried again: they lapse. The
// grant's Amount is zero when nothing is left; the caller appends a
// non-zero grant to the ledger. Carrying the same year twice is a
// conflict.
func (l *Ledger) CarryOver(yearEnd, expiresOn kintai.Date, maxDays int) (Grant, error) {
	start := yearEnd.AddDays(1)
	for _, g := range l.Grants {
		if g.Carried && g.GrantedOn == start {
			return Grant{}, kintai.Errorf(kintai.ECONFLICT, fmt.Sprintf("%sまでの休暇は繰越済みです。", yearEnd), fmt.Sprintf("Leave up to %s has already been carried over.", yearEnd))
		}
	}
	if expiresOn.Before(start) {
		return Grant{}, kintai.Invalid("expires_on", "繰越分の有効期限が繰越日より前です。", "The carried days would expire before they start.")
	}
	drawn, err := l.allocate(yearEnd, false)
	if err != nil {
		return Grant{}, err
	}
	left := 0
	for i, g := range l.Grants {
		if !g.Carried && g.ExpiresOn == yearEnd && g.ActiveOn(yearEnd) {
			left += g.Amount.Minutes(l.DayMin) - drawn[i]
		}
	}
	carry := min(left, maxDays*l.DayMin)
	return Grant{
		Amount:    FromMinutes(carry, l.DayMin),
		GrantedOn: start,
		ExpiresOn: expiresOn,
		Carried:   true,
		Note:      fmt.Sprintf("%d年からの繰越", yearEnd.Year),
	}, nil
}

// UsedBetween returns what the uses dated from from to to (both included)
// took, counting only the given units (every unit when none is given):
// for example days and half days only, for a policy that leaves hourly
// leave out of the 5 days.
func (l *Ledger) UsedBetween(from, to kintai.Date, units ...Unit) Amount {
	total := 0
	for _, u := range l.Uses {
		if u.Date.Before(from) || u.Date.After(to) {
			continue
		}
		if len(units) > 0 && !slices.Contains(units, u.Unit) {
			continue
		}
		total += u.Amount.Minutes(l.DayMin)
	}
	return FromMinutes(total, l.DayMin)
}
