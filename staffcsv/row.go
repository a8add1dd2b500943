package staffcsv

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"kintai"
)

// Lengths beyond which a cell is surely a mistake.
const (
	maxCode  = 32
	maxName  = 100
	maxEmail = 254
)

// rowErrors collects the errors of one row.
type rowErrors struct {
	line int
	errs []RowError
}

func (e *rowErrors) add(col int, ja, en string) {
	name := ""
	if col >= 0 {
		name = columns[col].name
	}
	e.errs = append(e.errs, RowError{Line: e.line, Column: name, Message: ja, MessageEN: en})
}

// parseRow validates one non-blank record. It returns the row with every
// field that is valid on its own filled in (Parse needs the staff number
// even when other cells are wrong) and the row's errors, if any.
func (h *header) parseRow(line int, rec []string) (Row, []RowError) {
	e := &rowErrors{line: line}
	row := Row{Line: line}
	if len(rec) < h.need {
		e.add(-1,
			fmt.Sprintf("列の数が見出し行より少なくなっています（見出し %d 列、この行 %d 列）。区切りのコンマを確認してください。", h.width, len(rec)),
			fmt.Sprintf("The row has fewer cells than the header (%d, want %d). Check the commas.", len(rec), h.width))
		return row, e.errs
	}
	if len(rec) > h.width && !blank(rec[h.width:]) {
		e.add(-1,
			fmt.Sprintf("列の数が見出し行より多くなっています（見出し %d 列、この行 %d 列）。値にコンマが含まれる場合は \" で囲んでください。", h.width, len(rec)),
			fmt.Sprintf("The row has more cells than the header (%d, want %d). Quote values that contain commas.", len(rec), h.width))
		return row, e.errs
	}
	for _, i := range h.unnamed {
		if i < len(rec) && rec[i] != "" {
			e.add(-1,
				fmt.Sprintf("見出しのない %d 列目に値があります。", i+1),
				fmt.Sprintf("Column %d has no header but holds a value.", i+1))
		}
	}

	// cell returns the trimmed cell of column c, "" when the column is
	// absent; ok is false when the cell holds control characters, which
	// are reported here once.
	cell := func(c int) (s string, ok bool) {
		if h.idx[c] < 0 {
			return "", true
		}
		s = rec[h.idx[c]]
		if strings.ContainsFunc(s, unicode.IsControl) {
			e.add(c, "改行やタブなどの制御文字は使えません。", "Line breaks, tabs and other control characters are not allowed.")
			return "", false
		}
		return s, true
	}
	// required is cell for a required column.
	required := func(c int) (string, bool) {
		s, ok := cell(c)
		if ok && s == "" {
			e.add(c, "必須項目です。値を入力してください。", "Required.")
			return "", false
		}
		return s, ok
	}
	// code checks a staff number or a code of an org unit or site.
	code := func(c int, s string) bool {
		if ja, en, ok := checkCode(s); !ok {
			e.add(c, ja, en)
			return false
		}
		return true
	}
	date := func(c int, s string) (kintai.Date, bool) {
		d, err := kintai.ParseDate(s)
		if err == nil {
			return d, true
		}
		if datePattern.MatchString(s) {
			e.add(c, fmt.Sprintf("存在しない日付です（「%s」）。", clip(s)), fmt.Sprintf("No such date: %q.", clip(s)))
		} else {
			e.add(c, fmt.Sprintf("日付の形式が正しくありません（例: 2025-04-01）。入力値「%s」", clip(s)),
				fmt.Sprintf("Invalid date %q (e.g. 2025-04-01).", clip(s)))
		}
		return kintai.Date{}, false
	}

	if s, ok := required(cStaffNo); ok {
		if s = fold(s); code(cStaffNo, s) {
			row.StaffNo = s
		}
	}
	if s, ok := required(cName); ok {
		if n := utf8.RuneCountInString(s); n > maxName {
			e.add(cName, fmt.Sprintf("%d文字以内で入力してください（%d文字あります）。", maxName, n), fmt.Sprintf("At most %d characters (got %d).", maxName, n))
		} else {
			row.Name = s
		}
	}
	if s, ok := required(cKana); ok {
		switch k := normKana(s); {
		case !kintai.IsKana(k):
			e.add(cKana, fmt.Sprintf("カタカナで入力してください（「%s」）。", clip(s)), fmt.Sprintf("Write the kana in katakana (got %q).", clip(s)))
		case utf8.RuneCountInString(k) > maxName:
			e.add(cKana, fmt.Sprintf("%d文字以内で入力してください。", maxName), fmt.Sprintf("At most %d characters.", maxName))
		default:
			row.Kana = k
		}
	}
	if s, ok := required(cEmploymentType); ok {
		if t, ok := kintai.ParseEmploymentType(fold(s)); ok {
			row.EmploymentType = t
		} else {
			labels := make([]string, len(kintai.EmploymentTypes))
			for i, t := range kintai.EmploymentTypes {
				labels[i] = t.Label()
			}
			e.add(cEmploymentType,
				fmt.Sprintf("「%s」は雇用区分として使えません。%s のいずれかを入力してください。", clip(s), strings.Join(labels, "、")),
				fmt.Sprintf("Unknown employment type %q: use one of %s.", clip(s), strings.Join(labels, ", ")))
		}
	}
	if s, ok := required(cAppointedOn); ok {
		row.AppointedOn, _ = date(cAppointedOn, fold(s))
	}
	endOK := false
	if s, ok := cell(cAppointmentEndsOn); ok {
		endOK = true
		if s != "" {
			row.AppointmentEndsOn, endOK = date(cAppointmentEndsOn, fold(s))
		}
	}
	if endOK {
		start, end := row.AppointedOn, row.AppointmentEndsOn
		switch {
		case end.IsZero() && (row.EmploymentType == kintai.FiscalFull || row.EmploymentType == kintai.FiscalPart):
			e.add(cAppointmentEndsOn, "会計年度任用職員には任用終了日が必要です。", "Fiscal-year appointees need an appointment end date.")
		case !end.IsZero() && !start.IsZero() && end.Before(start):
			e.add(cAppointmentEndsOn,
				fmt.Sprintf("任用終了日（%s）が任用開始日（%s）より前です。", end, start),
				fmt.Sprintf("The appointment ends (%s) before it starts (%s).", end, start))
		}
	}
	if s, ok := required(cOrgUnitCode); ok {
		if s = fold(s); code(cOrgUnitCode, s) {
			row.OrgUnitCode = s
		}
	}
	if s, ok := cell(cSiteCodes); ok {
		for part := range strings.FieldsFuncSeq(fold(s), isSiteSep) {
			part = strings.TrimFunc(part, isTrimmed)
			if part == "" || slices.Contains(row.SiteCodes, part) {
				continue
			}
			if ja, en, ok := checkCode(part); !ok {
				e.add(cSiteCodes, ja+"複数の拠点は「;」で区切ってください。", en+" Separate several sites with ';'.")
				continue
			}
			row.SiteCodes = append(row.SiteCodes, part)
		}
	}
	if s, ok := cell(cSupervisorNo); ok && s != "" {
		s = fold(s)
		switch {
		case !code(cSupervisorNo, s):
		case s == row.StaffNo:
			e.add(cSupervisorNo, "自分自身を上司にはできません。", "A staff member cannot be their own supervisor.")
		default:
			row.SupervisorNo = s
		}
	}
	if s, ok := cell(cEmail); ok && s != "" {
		if s = fold(s); validEmail(s) {
			row.Email = s
		} else {
			e.add(cEmail, fmt.Sprintf("メールアドレスの形式が正しくありません（「%s」）。", clip(s)), fmt.Sprintf("Invalid email address %q.", clip(s)))
		}
	}
	return row, e.errs
}

// datePattern matches strings shaped like the dates ParseDate reads, to tell
// a date that does not exist (2025-02-30) from one written wrongly.
var datePattern = regexp.MustCompile(`^(\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})$`)

// checkCode applies the rule of kintai's codes (staff numbers, org unit and
// site codes): 1 to 32 ASCII letters, digits, '-' or '_'.
func checkCode(s string) (ja, en string, ok bool) {
	if n := utf8.RuneCountInString(s); n > maxCode {
		return fmt.Sprintf("%d文字以内で入力してください（%d文字あります）。", maxCode, n), fmt.Sprintf("At most %d characters (got %d).", maxCode, n), false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return fmt.Sprintf("半角英数字・ハイフン（-）・下線（_）で入力してください（「%s」）。", clip(s)),
				fmt.Sprintf("Use only ASCII letters, digits, '-' and '_' (got %q).", clip(s)), false
		}
	}
	return "", "", true
}

// validEmail is a shape check, not a proof of delivery: one '@', a local
// part, and a dotted domain of letters, digits and hyphens.
func validEmail(s string) bool {
	if len(s) > maxEmail || strings.Count(s, "@") != 1 {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || len(local) > 64 || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		if r <= ' ' || r > '~' || strings.ContainsRune(`()<>[]\,;:"`, r) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
				return false
			}
		}
	}
	return true
}

// fold turns full-width letters, digits and symbols into ASCII, so that
// "Ｓ００１" written in a Japanese spreadsheet reads as "S001".
func fold(s string) string { return strings.TrimFunc(width.Fold.String(s), isTrimmed) }

// normKana writes s in full-width katakana where it is in half-width
// katakana or in hiragana, so that "ﾔﾏﾀﾞ ﾀﾛｳ" and "やまだ たろう" both become
// "ヤマダ　タロウ". Anything else is left for IsKana to reject.
func normKana(s string) string { return foldKana(width.Widen.String(s)) }

// foldKana turns hiragana into katakana and joins sound marks to the kana
// before them.
func foldKana(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'ぁ' && r <= 'ゖ', r == 'ゝ', r == 'ゞ':
			return r + 'ァ' - 'ぁ'
		case r == '゛': // spacing marks; NFC composes only the combining ones
			return '\u3099'
		case r == '゜':
			return '\u309a'
		}
		return r
	}, s)
	return norm.NFC.String(s)
}

func isSiteSep(r rune) bool { return r == ';' || r == '、' }

func isTrimmed(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }
