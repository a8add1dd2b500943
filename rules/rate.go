package rules

// Hourly formulas, as named in Settings.HourlyFormula.
const (
	// FormulaNational is 給与法 第19条: monthly pay × 12 ÷ (weekly hours
	// × 52), with no deduction for holidays (÷ 2,015 h at 38h45m).
	FormulaNational = "national"
	// FormulaMunicipal is the usual municipal ordinance: the divisor also
	// loses the daily hours for each weekday holiday of the fiscal year
	// (÷ 2,015 − 7.75 × N).
	FormulaMunicipal = "municipal"
)

// HourlyRate returns 勤務1時間当たりの給与額 for monthlyYen (the monthly
// pay that enters the formula: 給料・俸給 plus 地域手当 and the other
// allowances the entity names), rounded by the 50-銭 rule (RoundYen).
// weekdayHolidays is N of the municipal formula, the count of holidays the
// entity deducts in the fiscal year (calendar.CountHolidays); the national
// formula ignores it. Any HourlyFormula other than FormulaMunicipal is
// taken as national. The arithmetic is exact (integers), so 275,000 yen
// gives 198,000,000 ÷ 120,900 min = 1,637.717… → 1,638 yen, never a float
// artefact. It returns 0 when the divisor is not positive.
func HourlyRate(s Settings, monthlyYen int64, weekdayHolidays int) int64 {
	// Work in minutes: yen per hour = monthly × 12 × 60 ÷ minutes a year.
	divisor := int64(s.WeeklyMin) * 52
	if s.HourlyFormula == FormulaMunicipal {
		divisor -= int64(s.DailyMin) * int64(weekdayHolidays)
	}
	if divisor <= 0 {
		return 0
	}
	return RoundYen(monthlyYen*12*60, divisor)
}

// UnitYen returns the amount for one hour at pct percent of hourly (125
// for 125/100), rounded by the 50-銭 rule: 1,638 × 125% = 2,047.5 → 2,048.
// 給与法 第18条の2 rounds the amount "per hour"; a month's pay in a
// category is therefore UnitYen × the category's rounded hours, not the
// hours × hourly × rate rounded once (ComputeMonth does the former).
func UnitYen(hourly int64, pct int) int64 {
	return RoundYen(hourly*int64(pct), 100)
}

// RoundYen returns num ÷ den yen rounded by the 50-銭 rule of 給与法
// 第18条の2 and the ordinances that copy it: a fraction under 50 銭 is
// dropped, 50 銭 or more becomes one yen (half up, exact: 49.99 銭 is
// dropped). den must be positive; negative amounts round symmetrically.
func RoundYen(num, den int64) int64 {
	if num < 0 {
		return -RoundYen(-num, den)
	}
	return (2*num + den) / (2 * den)
}

// RoundHours returns min minutes as whole hours by the monthly rule of
// rules-jp.md §3.3 (白糠町 規則6条 and others): a remainder of roundMin
// minutes or more (Settings.MonthRoundMin, 30) becomes one more hour, less
// is dropped, so 10h29m → 10 and 10h30m → 11. A roundMin of 0 rounds any
// remainder up; 60 or more drops every remainder.
func RoundHours(min, roundMin int) int {
	if min <= 0 {
		return 0
	}
	h, rem := min/60, min%60
	if rem > 0 && rem >= roundMin {
		h++
	}
	return h
}
