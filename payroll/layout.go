package payroll

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"kintai"
	"kintai/leave"
	"kintai/rules"
)

// Column is one column of the export: which figure (Key) under which
// header. Keys are stable strings listed by Columns; headers are free text
// the payroll system expects.
type Column struct {
	Key    string `json:"key"`
	Header string `json:"header"`
}

// Encoding is the character encoding of a CSV export.
type Encoding string

// Encodings.
const (
	// UTF8BOM is UTF-8 with a byte order mark, which Excel needs to read
	// UTF-8 CSV as such.
	UTF8BOM Encoding = "utf-8-bom"
	// ShiftJIS is Shift_JIS as golang.org/x/text writes it (JIS X 0208
	// with the CP932 extensions such as ①, Ⅰ, 髙), what most Japanese
	// payroll systems read. A character outside it is an error, never a
	// silent '?'.
	ShiftJIS Encoding = "shift_jis"
)

// HoursFormat is how durations (minutes) are written.
type HoursFormat string

// Hours formats.
const (
	// Hours is decimal hours with two places, "7.50"; minutes that are
	// not a multiple of 0.6 are rounded half up to the hundredth
	// (7 h 20 min → "7.33").
	Hours HoursFormat = "hours"
	// HMM is hours and minutes, "7:20". In .xlsx it is a number of days
	// formatted [h]:mm, as Excel stores durations.
	HMM HoursFormat = "h:mm"
	// Minutes is whole minutes, "440".
	Minutes HoursFormat = "minutes"
)

// Layout is an export format: columns in order, the CSV encoding and the
// hours format. The zero Encoding is UTF8BOM and the zero HoursFormat is
// Hours.
type Layout struct {
	Columns     []Column    `json:"columns"`
	Encoding    Encoding    `json:"encoding,omitempty"`
	HoursFormat HoursFormat `json:"hours_format,omitempty"`
}

// cellKind is the type of a cell's value.
type cellKind uint8

const (
	cellText     cellKind = iota // text, written as a string in .xlsx
	cellNumber                   // a whole number (days, yen, rounded hours)
	cellDuration                 // minutes, written per the HoursFormat
)

// cell is one value of a row before formatting.
type cell struct {
	kind cellKind
	text string
	n    int64 // the number, or the minutes of a duration
}

func text(s string) cell      { return cell{kind: cellText, text: s} }
func number(n int64) cell     { return cell{kind: cellNumber, n: n} }
func duration(m int) cell     { return cell{kind: cellDuration, n: int64(m)} }
func numberInt(n int) cell    { return number(int64(n)) }
func (c cell) isNumber() bool { return c.kind != cellText }

// field is one exportable figure.
type field struct {
	key    string
	header string // default header, Japanese
	value  func(*Row) cell
}

// fields are every figure a layout can name, in the order Columns lists
// them. Category fields are added by init.
var fields = []field{
	{"staff_no", "職員番号", func(r *Row) cell { return text(r.StaffNo) }},
	{"name", "氏名", func(r *Row) cell { return text(r.Name) }},
	{"kana", "氏名カナ", func(r *Row) cell { return text(r.Kana) }},
	{"org_code", "所属コード", func(r *Row) cell { return text(r.OrgUnitCode) }},
	{"org_name", "所属", func(r *Row) cell { return text(r.OrgUnitName) }},
	{"employment_type", "区分", func(r *Row) cell { return text(r.EmploymentType.Label()) }},
	{"employment_type_code", "区分コード", func(r *Row) cell { return text(string(r.EmploymentType)) }},
	{"year_month", "年月", func(r *Row) cell { return text(r.period()) }},
	{"year", "年", func(r *Row) cell { return numberInt(r.Year) }},
	{"month", "月", func(r *Row) cell { return numberInt(int(r.Month)) }},
	{"days_worked", "出勤日数", func(r *Row) cell { return numberInt(r.Result.DaysWorked) }},
	{"scheduled", "所定勤務時間", func(r *Row) cell { return duration(r.Result.ScheduledMin) }},
	{"worked", "勤務時間", func(r *Row) cell { return duration(r.Result.WorkedMin) }},
	{"regular", "正規勤務時間", func(r *Row) cell { return duration(r.Result.RegularMin) }},
	{"overtime", "超過勤務時間", func(r *Row) cell { return duration(r.Result.OvertimeMin) }},
	{"over60", "60時間超", func(r *Row) cell { return duration(r.Result.Over60Min) }},
	// Over60RestMin is the part of over60 on rest days, whose 超勤代休時間
	// replaces a smaller uplift (15/100, not 25/100).
	{"over60_rest", "60時間超（週休日等）", func(r *Row) cell { return duration(r.Result.Over60RestMin) }},
	{"night", "夜間", func(r *Row) cell { return duration(r.Result.NightMin) }},
	{"holiday_pay", "休日給対象時間", func(r *Row) cell { return duration(r.Result.HolidayPayMin) }},
	// LeaveMin is every paid leave inside regular hours (年休, 病休,
	// 特休 …): the monthly result does not split it by kind.
	{"leave", "休暇取得", func(r *Row) cell { return duration(r.Result.LeaveMin) }},
	{"unpaid_leave", "無給休暇", func(r *Row) cell { return duration(r.Result.UnpaidLeaveMin) }},
	{"absence", "欠勤", func(r *Row) cell { return duration(r.Result.AbsenceMin) }},
	{"deduction", "欠勤控除時間", func(r *Row) cell { return duration(r.Result.AbsenceMin + r.Result.UnpaidLeaveMin) }},
	{"late", "遅刻", func(r *Row) cell { return duration(r.Result.LateMin) }},
	{"early", "早退", func(r *Row) cell { return duration(r.Result.EarlyMin) }},
	{"late_early", "遅刻早退", func(r *Row) cell { return duration(r.Result.LateMin + r.Result.EarlyMin) }},
	{"telework_days", "在宅勤務日数", func(r *Row) cell { return numberInt(r.Result.TeleworkDays) }},
	{"hourly_yen", "時間単価", func(r *Row) cell { return number(r.Result.HourlyYen) }},
	{"amount_yen", "手当合計", func(r *Row) cell { return number(r.Result.AmountYen) }},
}

var fieldByKey = map[string]*field{}

func init() {
	s := rules.DefaultSettings()
	for _, code := range categoryCodes {
		_, label, _ := rules.CategoryRate(s, code)
		fields = append(fields,
			field{"cat:" + code + ":hours", label + " 時間", func(r *Row) cell { return numberInt(r.category(code).Hours) }},
			field{"cat:" + code + ":time", label + " 実時間", func(r *Row) cell { return duration(r.category(code).Min) }},
			field{"cat:" + code + ":unit", label + " 単価", func(r *Row) cell { return number(r.category(code).UnitYen) }},
			field{"cat:" + code + ":amount", label + " 金額", func(r *Row) cell { return number(r.category(code).AmountYen) }},
		)
	}
	for _, c := range leave.Categories {
		fields = append(fields, field{"leave:" + string(c), c.Label() + " 取得時間", func(r *Row) cell { return duration(r.Result.LeaveByCategory[string(c)]) }})
	}
	for i := range fields {
		fieldByKey[fields[i].key] = &fields[i]
	}
}

// Columns returns every column a layout can name, with its default header.
// For each pay category code c (rules.CategoryOT125 …) there are four:
// "cat:c:hours" (hours rounded by the monthly rule, the hours paid),
// "cat:c:time" (the exact minutes, in the HoursFormat), "cat:c:unit" (yen
// per hour) and "cat:c:amount" (yen). Headers of categories show the rates
// of rules.DefaultSettings; an entity with other rates sets its own. For
// each leave category c (leave.Annual …) "leave:c" is the leave taken
// inside regular hours, paid or not, in the HoursFormat.
func Columns() []Column {
	cols := make([]Column, len(fields))
	for i, f := range fields {
		cols[i] = Column{Key: f.key, Header: f.header}
	}
	return cols
}

// DefaultLayout returns the standard export: identity, days and hours
// worked, each pay category's rounded hours and amount, night, 休日給,
// leave, deductions, telework days, hourly rate and total, as UTF-8 with
// BOM and decimal hours.
func DefaultLayout() Layout {
	keys := []string{"staff_no", "name", "org_name", "employment_type", "year_month",
		"days_worked", "worked"}
	for _, code := range categoryCodes {
		keys = append(keys, "cat:"+code+":hours", "cat:"+code+":amount")
	}
	keys = append(keys, "night", "holiday_pay", "leave", "deduction", "late_early",
		"telework_days", "hourly_yen", "amount_yen")
	l := Layout{Encoding: UTF8BOM, HoursFormat: Hours}
	for _, k := range keys {
		l.Columns = append(l.Columns, Column{Key: k, Header: fieldByKey[k].header})
	}
	return l
}

// Validate checks that l can be written: at least one column, known keys,
// non-empty and distinct headers, a known encoding and hours format.
func (l Layout) Validate() error {
	return l.validate(func(i int) (string, string) {
		return fmt.Sprintf("%d列目", i+1), fmt.Sprintf("column %d", i+1)
	})
}

// validate is Validate with where naming column i for messages.
func (l Layout) validate(where func(i int) (ja, en string)) error {
	switch l.Encoding {
	case "", UTF8BOM, ShiftJIS:
	default:
		return kintai.Invalid("encoding",
			fmt.Sprintf("文字コード「%s」は使えません（utf-8-bom または shift_jis）。", l.Encoding),
			fmt.Sprintf("Unknown encoding %q: use utf-8-bom or shift_jis.", l.Encoding))
	}
	switch l.HoursFormat {
	case "", Hours, HMM, Minutes:
	default:
		return kintai.Invalid("hours_format",
			fmt.Sprintf("時間の形式「%s」は使えません（hours、h:mm、minutes のいずれか）。", l.HoursFormat),
			fmt.Sprintf("Unknown hours format %q: use hours, h:mm or minutes.", l.HoursFormat))
	}
	if len(l.Columns) == 0 {
		return kintai.Invalid("columns", "列が1つもありません。", "The layout has no columns.")
	}
	seen := make(map[string]int, len(l.Columns))
	for i, c := range l.Columns {
		ja, en := where(i)
		if _, ok := fieldByKey[c.Key]; !ok {
			return kintai.Invalid("columns",
				fmt.Sprintf("%s: 不明な項目キー「%s」です。", ja, c.Key),
				fmt.Sprintf("%s: unknown column key %q.", en, c.Key))
		}
		if strings.TrimSpace(c.Header) == "" {
			return kintai.Invalid("columns",
				fmt.Sprintf("%s: 見出しが空です。", ja),
				fmt.Sprintf("%s: the header is empty.", en))
		}
		if j, dup := seen[c.Header]; dup {
			ja0, en0 := where(j)
			return kintai.Invalid("columns",
				fmt.Sprintf("%s: 見出し「%s」が%sと重複しています。", ja, c.Header, ja0),
				fmt.Sprintf("%s: header %q duplicates %s.", en, c.Header, en0))
		}
		seen[c.Header] = i
	}
	return nil
}

// ParseLayout reads a layout from a config file, JSON or text.
//
// JSON is the Layout itself: {"encoding": "shift_jis", "hours_format":
// "h:mm", "columns": [{"key": "staff_no", "header": "職員コード"}, …]}.
// A column without a header gets its default header.
//
// Text has one setting or column per line; blank lines and lines starting
// with # are ignored:
//
//	encoding = shift_jis
//	hours_format = h:mm
//	staff_no = 職員コード
//	name
//	cat:ot125:hours = 超勤125
//
// "key = header" adds a column, a bare key adds it with its default header.
// Omitted settings are UTF8BOM and Hours. Errors name the line (text) or
// the column (JSON), in Japanese and English.
func ParseLayout(data []byte) (Layout, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		return parseLayoutJSON(t)
	}
	return parseLayoutText(data)
}

func parseLayoutJSON(data []byte) (Layout, error) {
	var l Layout
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Layout{}, kintai.Invalid("layout",
			fmt.Sprintf("レイアウトの JSON を読めません: %v", err),
			fmt.Sprintf("Cannot read the layout JSON: %v", err))
	}
	if dec.More() {
		return Layout{}, kintai.Invalid("layout", "JSON の後に余分なデータがあります。",
			"Unexpected data after the layout JSON.")
	}
	l.defaults()
	if err := l.Validate(); err != nil {
		return Layout{}, err
	}
	return l, nil
}

func parseLayoutText(data []byte) (Layout, error) {
	var l Layout
	var lines []int // line number of each column
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, header, hasHeader := strings.Cut(line, "=")
		key, header = strings.TrimSpace(key), strings.TrimSpace(header)
		switch key {
		case "encoding":
			l.Encoding = Encoding(strings.ToLower(header))
			continue
		case "hours_format":
			l.HoursFormat = HoursFormat(strings.ToLower(header))
			continue
		}
		if hasHeader && header == "" {
			return Layout{}, kintai.Invalid("layout",
				fmt.Sprintf("%d行目: 「=」の後の見出しが空です。", n),
				fmt.Sprintf("line %d: the header after \"=\" is empty.", n))
		}
		l.Columns = append(l.Columns, Column{Key: key, Header: header})
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return Layout{}, kintai.Invalid("layout",
			fmt.Sprintf("%d行目を読めません: %v", n+1, err),
			fmt.Sprintf("Cannot read line %d: %v", n+1, err))
	}
	l.defaults()
	err := l.validate(func(i int) (string, string) {
		return strconv.Itoa(lines[i]) + "行目", "line " + strconv.Itoa(lines[i])
	})
	if err != nil {
		return Layout{}, err
	}
	return l, nil
}

// defaults fills in omitted settings and the headers of known keys.
func (l *Layout) defaults() {
	if l.Encoding == "" {
		l.Encoding = UTF8BOM
	}
	if l.HoursFormat == "" {
		l.HoursFormat = Hours
	}
	for i, c := range l.Columns {
		if f, ok := fieldByKey[c.Key]; ok && c.Header == "" {
			l.Columns[i].Header = f.header
		}
	}
}

// formatDuration writes m minutes in format hf.
func formatDuration(m int64, hf HoursFormat) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	switch hf {
	case HMM:
		return fmt.Sprintf("%s%d:%02d", sign, m/60, m%60)
	case Minutes:
		return sign + strconv.FormatInt(m, 10)
	}
	c := (m*100 + 30) / 60 // hundredths of an hour, half up
	if c == 0 {
		sign = ""
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// format returns c as CSV text.
func (c cell) format(hf HoursFormat) string {
	switch c.kind {
	case cellNumber:
		return strconv.FormatInt(c.n, 10)
	case cellDuration:
		return formatDuration(c.n, hf)
	}
	return c.text
}
