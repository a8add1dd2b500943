package rules

import (
	"fmt"

	"kintai"
)

// MonthCap is the monthly overtime cap a forecast looks at. Reach is set
// for a cap the overtime must stay under (100 h 未満): reaching it is
// already over. Otherwise only passing it is (45 h 以下).
type MonthCap struct {
	Min   int  `json:"min"`
	Reach bool `json:"reach,omitempty"`
}

// over reports whether total is over c scaled by n: total minutes over n
// months, or a pace's sum of n days.
func (c MonthCap) over(total, n int64) bool {
	limit := int64(c.Min) * n
	return total > limit || c.Reach && total == limit
}

// MonthCapOf returns the monthly cap of profile that the forecast looks
// at: under 100 h for heteronomous departments, 45 h for the others.
func MonthCapOf(p CapProfile) MonthCap {
	if p == CapHeteronomous {
		return MonthCap{Min: capMonth100Min, Reach: true}
	}
	return MonthCap{Min: capMonth45Min}
}

// Forecast projects the month's overtime at its pace so far and returns
// the day on which the running total first goes over c, and false if it
// does not by the month's last day.
//
// days are the month's days in date order: those up to today with their
// results, those after with their kind and no work. The pace is the
// overtime up to today (DayResult.OvertimeMin, rest-day work included)
// divided by the working days (Kind Workday) up to today; each working day
// after today adds that pace, other days nothing. If the total is already
// over c, the day it went over is returned. With no overtime yet, or no
// working day yet, there is no pace and the result is false. The
// arithmetic is exact: day j after today is the first with
// done×(elapsed+j) over limit×elapsed.
func Forecast(days []DayResult, today kintai.Date, c MonthCap) (kintai.Date, bool) {
	done, elapsed := 0, 0
	for _, d := range days {
		if d.Date.After(today) {
			break
		}
		done += d.OvertimeMin
		if c.over(int64(done), 1) {
			return d.Date, true
		}
		if d.Kind == Workday {
			elapsed++
		}
	}
	if done <= 0 || elapsed == 0 {
		return kintai.Date{}, false
	}
	j := 0
	for _, d := range days {
		if !d.Date.After(today) || d.Kind != Workday {
			continue
		}
		j++
		if c.over(int64(done)*int64(elapsed+j), int64(elapsed)) {
			return d.Date, true
		}
	}
	return kintai.Date{}, false
}

// ForecastMessage is the sentence the UI shows for a Forecast result:
// "このペースでは19日に45時間を超えます" and "At this pace, 45 h is passed
// on the 19th"; for a cap that must not be reached, "100時間に達します" and
// "100 h is reached".
func ForecastMessage(day kintai.Date, c MonthCap) (ja, en string) {
	if c.Reach {
		return fmt.Sprintf("このペースでは%d日に%sに達します", day.Day, capDurJa(c.Min)),
			fmt.Sprintf("At this pace, %s is reached on the %s", capDurEn(c.Min), forecastOrdinal(day.Day))
	}
	return fmt.Sprintf("このペースでは%d日に%sを超えます", day.Day, capDurJa(c.Min)),
		fmt.Sprintf("At this pace, %s is passed on the %s", capDurEn(c.Min), forecastOrdinal(day.Day))
}

// forecastOrdinal writes 1 as "1st", 12 as "12th", 22 as "22nd".
func forecastOrdinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
