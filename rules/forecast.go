package rules

import (
	"fmt"

	"kintai"
)

// Forecast projects the month's overtime at its pace so far and returns
// the day on which the running total first exceeds limitMin, and false if
// it does not by the month's last day.
//
// days are the month's days in date order: those up to today with their
// results, those after with their kind and no work. The pace is the
// overtime up to today (DayResult.OvertimeMin, rest-day work included)
// divided by the working days (Kind Workday) up to today; each working day
// after today adds that pace, other days nothing. If the total already
// exceeds limitMin, the day it did so is returned. With no overtime yet, or
// no working day yet, there is no pace and the result is false. The
// arithmetic is exact: day j after today is the first with
// done×elapsed + j×done > limit×elapsed.
func Forecast(days []DayResult, today kintai.Date, limitMin int) (kintai.Date, bool) {
	done, elapsed := 0, 0
	for _, d := range days {
		if d.Date.After(today) {
			break
		}
		done += d.OvertimeMin
		if done > limitMin {
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
		if int64(done)*int64(elapsed+j) > int64(limitMin)*int64(elapsed) {
			return d.Date, true
		}
	}
	return kintai.Date{}, false
}

// ForecastMessage is the sentence the UI shows for a Forecast result:
// "このペースでは19日に45時間を超えます" and "At this pace, 45 h is passed
// on the 19th".
func ForecastMessage(day kintai.Date, limitMin int) (ja, en string) {
	return fmt.Sprintf("このペースでは%d日に%sを超えます", day.Day, capDurJa(limitMin)),
		fmt.Sprintf("At this pace, %s is passed on the %s", capDurEn(limitMin), forecastOrdinal(day.Day))
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
