package calendar

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"

	"kintai"
)

// Header cells of the Cabinet Office's syukujitsu.csv.
const (
	HeaderDate = "国民の祝日・休日月日"
	HeaderName = "国民の祝日・休日名称"
)

// Limits of a holiday file. The Cabinet Office's file is about 21 KB.
const (
	MaxBytes = 1 << 20
	// maxListed bounds the lines an error message names, so that a wrong
	// file of a megabyte does not make a megabyte of message.
	maxListed = 100
	maxName   = 50 // characters
	// Years a holiday may fall in: 祝日法 dates from 1948.
	minYear, maxYear = 1948, 2999
)

var utf8BOM = []byte("\xef\xbb\xbf")

// lineError is a problem with one line of the file.
type lineError struct {
	line   int
	ja, en string
}

// Parse reads a holiday file in the format of the Cabinet Office's
// syukujitsu.csv: Shift_JIS (CP932) or UTF-8 with or without a BOM, LF or
// CRLF line ends, the header 「国民の祝日・休日月日,国民の祝日・休日名称」,
// then one holiday a line as 「YYYY/M/D,名称」. Rows named 休日 are
// 振替休日 and 国民の休日. Every day is of Kind National; the days are
// returned in date order.
//
// Any problem makes Parse return nothing but an error, a *kintai.Error
// with code kintai.EINVALID whose messages name every bad line (up to a
// hundred) and what is wrong with it. An error reading r is returned as is.
func Parse(r io.Reader) ([]Day, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("calendar: read: %w", err)
	}
	if len(raw) > MaxBytes {
		return nil, fileError(
			fmt.Sprintf("祝日ファイルが大きすぎます（上限 %d KiB）。", MaxBytes>>10),
			fmt.Sprintf("The holiday file is too large (limit %d KiB).", MaxBytes>>10))
	}
	text, err := decode(raw)
	if err != nil {
		return nil, err
	}
	// Make every line end in LF so that line numbers match an editor's.
	if bytes.IndexByte(text, '\r') >= 0 {
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
		text = bytes.ReplaceAll(text, []byte("\r"), []byte("\n"))
	}

	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1 // checked per row, with a clearer message
	var (
		days   []Day
		errs   []lineError
		first  = make(map[kintai.Date]int) // date → line it was first seen on
		header bool
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			errs = append(errs, lineError{pe.StartLine,
				"CSVの形式が正しくありません。引用符（\"）の対応を確認してください。",
				"malformed CSV (" + pe.Err.Error() + "); check the quotes (\")"})
			header = true // whatever it was, the next line is not the header
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		for i, s := range rec {
			rec[i] = strings.TrimFunc(s, isTrimmed)
		}
		if blank(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		if !header {
			header = true
			if !isHeader(rec) {
				return nil, fileError(
					fmt.Sprintf("%d行目: 見出し行が「%s,%s」ではありません。内閣府の syukujitsu.csv と同じ形式にしてください。", line, HeaderDate, HeaderName),
					fmt.Sprintf("line %d: the header is not %q; use the format of the Cabinet Office's syukujitsu.csv.", line, HeaderDate+","+HeaderName))
			}
			continue
		}
		d, rowErrs := parseRow(line, rec)
		if len(rowErrs) == 0 {
			if at, dup := first[d.Date]; dup {
				rowErrs = append(rowErrs, lineError{line,
					fmt.Sprintf("日付 %s が%d行目と重複しています。", slashDate(d.Date), at),
					fmt.Sprintf("date %s is also on line %d", slashDate(d.Date), at)})
			} else {
				first[d.Date] = line
			}
		}
		if len(rowErrs) > 0 {
			errs = append(errs, rowErrs...)
			continue
		}
		days = append(days, d)
	}
	if !header {
		return nil, fileError("祝日ファイルが空です。", "The holiday file is empty.")
	}
	if len(errs) > 0 {
		return nil, linesError(errs)
	}
	if len(days) == 0 {
		return nil, fileError(
			"祝日ファイルにデータ行がありません。見出し行の次から「YYYY/M/D,名称」を1行に1日ずつ書いてください。",
			"The holiday file has no data rows. Below the header, put one holiday per line as YYYY/M/D,name.")
	}
	sortDays(days)
	return days, nil
}

// decode returns raw as UTF-8 without a BOM: valid UTF-8 is taken as is,
// anything else is read as Shift_JIS (CP932).
func decode(raw []byte) ([]byte, error) {
	if b := bytes.TrimPrefix(raw, utf8BOM); utf8.Valid(b) {
		return b, nil
	}
	b, err := japanese.ShiftJIS.NewDecoder().Bytes(raw)
	// The decoder replaces bytes it cannot map with U+FFFD, which Shift_JIS
	// itself cannot encode: seeing one means the file is not Shift_JIS.
	if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
		return nil, fileError(
			"祝日ファイルの文字コードを判別できません。Shift_JIS（内閣府の配布形式）または UTF-8 で保存してください。",
			"Cannot tell the holiday file's encoding. Save it as Shift_JIS (as the Cabinet Office publishes it) or UTF-8.")
	}
	return b, nil
}

func isHeader(rec []string) bool {
	return len(rec) >= 2 && rec[0] == HeaderDate && rec[1] == HeaderName && blank(rec[2:])
}

// parseRow reads one data row: a date and a name, and nothing after them
// but empty cells (which spreadsheets add).
func parseRow(line int, rec []string) (Day, []lineError) {
	var errs []lineError
	bad := func(ja, en string) { errs = append(errs, lineError{line, ja, en}) }
	if len(rec) < 2 {
		bad("「日付,名称」の2列が必要です。", "want 2 columns: date,name")
		return Day{}, errs
	}
	if !blank(rec[2:]) {
		bad("3列目以降は空にしてください（「日付,名称」の2列）。", "unexpected text after the second column (want date,name)")
	}
	d, err := kintai.ParseDate(rec[0])
	switch {
	case rec[0] == "":
		bad("日付が空です（例: 2024/9/23）。", "the date is empty (e.g. 2024/9/23)")
	case err != nil:
		bad(fmt.Sprintf("日付「%s」が正しくありません（例: 2024/9/23）。", clip(rec[0])),
			fmt.Sprintf("invalid date %q (want YYYY/M/D, e.g. 2024/9/23)", clip(rec[0])))
	case d.Year < minYear || d.Year > maxYear:
		bad(fmt.Sprintf("日付「%s」の年が範囲外です（%d〜%d年）。", rec[0], minYear, maxYear),
			fmt.Sprintf("date %q is out of range (years %d to %d)", rec[0], minYear, maxYear))
	}
	name := rec[1]
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		bad("名称が空です。", "the name is empty")
	case n > maxName:
		bad(fmt.Sprintf("名称が長すぎます（%d文字以内）。", maxName), fmt.Sprintf("the name is too long (limit %d characters)", maxName))
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		bad("名称に制御文字が含まれています。", "the name contains control characters")
	}
	return Day{Date: d, Name: name, Kind: National}, errs
}

// linesError returns the EINVALID error naming every bad line.
func linesError(errs []lineError) *kintai.Error {
	lines := make(map[int]bool)
	for _, e := range errs {
		lines[e.line] = true
	}
	var ja, en strings.Builder
	fmt.Fprintf(&ja, "祝日ファイルの%d行に誤りがあります。取り込みは行っていません。", len(lines))
	fmt.Fprintf(&en, "The holiday file has errors on %d lines; nothing was imported.", len(lines))
	for i, e := range errs {
		if i == maxListed {
			fmt.Fprintf(&ja, "\nほか%d件", len(errs)-maxListed)
			fmt.Fprintf(&en, "\n%d more", len(errs)-maxListed)
			break
		}
		fmt.Fprintf(&ja, "\n%d行目: %s", e.line, e.ja)
		fmt.Fprintf(&en, "\nline %d: %s", e.line, e.en)
	}
	return fileError(ja.String(), en.String())
}

// fileError returns the EINVALID error for a problem with the file.
func fileError(ja, en string) *kintai.Error {
	e := kintai.Errorf(kintai.EINVALID, ja, en)
	e.Field = "file"
	return e
}

// slashDate writes d as the file does: 2024/9/23.
func slashDate(d kintai.Date) string { return fmt.Sprintf("%d/%d/%d", d.Year, d.Month, d.Day) }

// clip shortens s for quoting in a message.
func clip(s string) string {
	const n = 20
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// isTrimmed reports whether r is trimmed from cells: white space including
// the full-width space U+3000, and BOMs and zero-width spaces that editors
// leave behind.
func isTrimmed(r rune) bool {
	return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b'
}

func blank(rec []string) bool {
	for _, s := range rec {
		if s != "" {
			return false
		}
	}
	return true
}
