package payroll

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"kintai"
)

// WriteCSV writes rows as CSV in layout l: a header row, then one record per
// row, CRLF line ends and RFC 4180 quoting. UTF8BOM output starts with a
// byte order mark. With ShiftJIS every header and value is checked first:
// a character Shift_JIS cannot hold (e.g. 𠮷) is an error naming the staff
// number and the column, and nothing is written.
func WriteCSV(w io.Writer, l Layout, rows []Row) error {
	if err := l.Validate(); err != nil {
		return err
	}
	if l.Encoding == ShiftJIS {
		if err := checkShiftJIS(l, rows); err != nil {
			return err
		}
	}

	var out io.Writer
	var tw *transform.Writer
	bw := bufio.NewWriterSize(w, 64<<10)
	if l.Encoding == ShiftJIS {
		tw = transform.NewWriter(bw, japanese.ShiftJIS.NewEncoder())
		out = tw
	} else {
		if _, err := bw.WriteString("\ufeff"); err != nil {
			return err
		}
		out = bw
	}
	cw := csv.NewWriter(out)
	cw.UseCRLF = true

	rec := make([]string, len(l.Columns))
	for i, c := range l.Columns {
		rec[i] = c.Header
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	fs := layoutFields(l)
	for i := range rows {
		for j, f := range fs {
			rec[j] = f.value(&rows[i]).format(l.HoursFormat)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if tw != nil {
		if err := tw.Close(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// layoutFields returns the field of each of l's columns; l is valid.
func layoutFields(l Layout) []*field {
	fs := make([]*field, len(l.Columns))
	for i, c := range l.Columns {
		fs[i] = fieldByKey[c.Key]
	}
	return fs
}

// checkShiftJIS returns an error for the first header or text value that
// Shift_JIS cannot hold.
func checkShiftJIS(l Layout, rows []Row) error {
	enc := japanese.ShiftJIS.NewEncoder()
	for _, c := range l.Columns {
		if r, bad := unencodable(enc, c.Header); bad {
			return kintai.Invalid(c.Key,
				fmt.Sprintf("見出し「%s」に Shift_JIS で表せない文字「%c」（U+%04X）があります。", c.Header, r, r),
				fmt.Sprintf("Header %q contains %q (U+%04X), which Shift_JIS cannot encode.", c.Header, r, r))
		}
	}
	fs := layoutFields(l)
	for i := range rows {
		for j, f := range fs {
			v := f.value(&rows[i])
			if v.kind != cellText {
				continue
			}
			if r, bad := unencodable(enc, v.text); bad {
				h := l.Columns[j].Header
				return kintai.Invalid(l.Columns[j].Key,
					fmt.Sprintf("職員番号 %s の「%s」に Shift_JIS で表せない文字「%c」（U+%04X）があります。UTF-8（BOM付き）で出力するか、Shift_JIS で表せる文字で登録し直してください。",
						rows[i].StaffNo, h, r, r),
					fmt.Sprintf("Staff %s: column %q contains %q (U+%04X), which Shift_JIS cannot encode. Export as UTF-8 with BOM, or record the value with Shift_JIS characters.",
						rows[i].StaffNo, h, r, r))
			}
		}
	}
	return nil
}

// unencodable returns the first rune of s that enc cannot encode.
func unencodable(enc *encoding.Encoder, s string) (rune, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return 0, false
	}
	if _, err := enc.String(s); err == nil {
		return 0, false
	}
	for _, r := range s {
		if _, err := enc.String(string(r)); err != nil {
			return r, true
		}
	}
	return 0, false
}
