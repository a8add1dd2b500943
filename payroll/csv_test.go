package payroll

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"

	"kintai"
)

// sjisLayout reads testdata/layout_sjis.txt.
func sjisLayout(t *testing.T) Layout {
	t.Helper()
	b, err := os.ReadFile("testdata/layout_sjis.txt")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ParseLayout(b)
	if err != nil {
		t.Fatalf("ParseLayout(layout_sjis.txt) error = %v", err)
	}
	return l
}

func writeCSV(t *testing.T, l Layout, rows []Row) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteCSV(&b, l, rows); err != nil {
		t.Fatalf("WriteCSV() error = %v", err)
	}
	return b.Bytes()
}

// readCSV parses UTF-8 CSV output, checking the CRLF line ends.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if n, crlf := bytes.Count(b, []byte("\n")), bytes.Count(b, []byte("\r\n")); n != crlf || n == 0 {
		t.Errorf("CSV has %d line feeds, %d of them after CR; want all CRLF", n, crlf)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV back: %v", err)
	}
	return recs
}

func TestWriteCSVGolden(t *testing.T) {
	rows := sampleRows(t)
	t.Run("utf-8-bom", func(t *testing.T) {
		got := writeCSV(t, DefaultLayout(), rows)
		golden(t, "default_utf8bom.csv", got)
		if !bytes.HasPrefix(got, []byte("\xef\xbb\xbf")) {
			t.Errorf("WriteCSV(UTF8BOM) does not start with a BOM")
		}
		recs := readCSV(t, bytes.TrimPrefix(got, []byte("\xef\xbb\xbf")))
		if len(recs) != 4 {
			t.Fatalf("WriteCSV() wrote %d records, want 4", len(recs))
		}
		// A name with a comma and quotes is quoted as RFC 4180 says.
		if !bytes.Contains(got, []byte(`,"髙橋, ""花子""",`)) {
			t.Errorf("WriteCSV() did not quote 髙橋, \"花子\" as RFC 4180 says")
		}
		// 20 days × 465 + 870 overtime − 10 late = 10170 min; at 1860 yen
		// an hour: 2325 × 14 h + 2790 × 1 h + 2511 × 8 h = 55428 yen.
		want := map[string]string{
			"職員番号": "00123", "氏名": "山田 太郎", "所属": "総務課", "区分": "常勤", "年月": "2026-10",
			"出勤日数": "20", "勤務時間": "169.50", "超過勤務(125) 時間": "14", "超過勤務(125) 金額": "32550",
			"超過勤務 深夜(150) 時間": "1", "超過勤務 深夜(150) 金額": "2790", "休日給(135) 時間": "8",
			"休日給(135) 金額": "20088", "夜間": "1.00", "休日給対象時間": "7.75", "遅刻早退": "0.17",
			"欠勤控除時間": "0.17", "時間単価": "1860", "手当合計": "55428", "60時間超(150) 時間": "0",
		}
		got1 := map[string]string{}
		for i, h := range recs[0] {
			if _, ok := want[h]; ok {
				got1[h] = recs[1][i]
			}
		}
		if diff := cmp.Diff(want, got1); diff != "" {
			t.Errorf("WriteCSV() first row (-want +got):\n%s", diff)
		}
	})
	t.Run("shift_jis", func(t *testing.T) {
		l := sjisLayout(t)
		got := writeCSV(t, l, rows)
		golden(t, "custom_sjis.csv", got)
		// Decoding gives the same text as the UTF-8 output of the layout.
		dec, err := japanese.ShiftJIS.NewDecoder().Bytes(got)
		if err != nil {
			t.Fatalf("decoding the Shift_JIS output: %v", err)
		}
		l.Encoding = UTF8BOM
		want := bytes.TrimPrefix(writeCSV(t, l, rows), []byte("\xef\xbb\xbf"))
		if diff := cmp.Diff(string(want), string(dec)); diff != "" {
			t.Errorf("WriteCSV(ShiftJIS) decoded differs from UTF-8 (-want +got):\n%s", diff)
		}
		if !bytes.Contains(got, []byte{0xee, 0xe0}) { // 髙 in CP932 (NEC-selected IBM extension)
			t.Errorf("WriteCSV(ShiftJIS) has no 髙 as 0xEEE0")
		}
		recs := readCSV(t, dec)
		if got, want := recs[1][8], "169:30"; got != want {
			t.Errorf("WriteCSV(h:mm) 勤務時間 = %q, want %q", got, want)
		}
	})
}

func TestWriteCSVUnencodable(t *testing.T) {
	rows := sampleRows(t)
	tests := []struct {
		name   string
		edit   func(l *Layout, rows []Row)
		wantEn string
		wantJa string
		field  string
	}{
		{
			name:   "name",
			edit:   func(l *Layout, rows []Row) { rows[2].Name = "𠮷田 一郎" },
			wantEn: `Staff 00789: column "氏名" contains '𠮷' (U+20BB7), which Shift_JIS cannot encode.`,
			wantJa: "職員番号 00789 の「氏名」に Shift_JIS で表せない文字「𠮷」（U+20BB7）があります。",
			field:  "name",
		},
		{
			name: "org unit",
			edit: func(l *Layout, rows []Row) {
				l.Columns[0] = Column{"org_name", "所属名"}
				rows[1].OrgUnitName = "市民課〜窓口"
			},
			wantEn: `Staff 00456: column "所属名" contains '〜' (U+301C)`,
			wantJa: "職員番号 00456 の「所属名」に",
			field:  "org_name",
		},
		{
			name:   "header",
			edit:   func(l *Layout, rows []Row) { l.Columns[1].Header = "氏名 ❶" },
			wantEn: `Header "氏名 ❶" contains '❶' (U+2776)`,
			wantJa: "見出し「氏名 ❶」に Shift_JIS で表せない文字「❶」",
			field:  "name",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := sjisLayout(t)
			l.Columns = append([]Column(nil), l.Columns...)
			rs := append([]Row(nil), rows...)
			tt.edit(&l, rs)
			var b bytes.Buffer
			err := WriteCSV(&b, l, rs)
			if err == nil {
				t.Fatalf("WriteCSV() = nil, want an error")
			}
			var ke *kintai.Error
			ja, en := kintai.ErrorMessages(err)
			if !strings.Contains(en, tt.wantEn) || !strings.Contains(ja, tt.wantJa) {
				t.Errorf("WriteCSV() error = %q / %q, want %q / %q", ja, en, tt.wantJa, tt.wantEn)
			}
			if kintai.ErrorCode(err) != kintai.EINVALID {
				t.Errorf("WriteCSV() error code = %q, want invalid", kintai.ErrorCode(err))
			}
			if !errors.As(err, &ke) || ke.Field != tt.field {
				t.Errorf("WriteCSV() error field = %v, want %q", ke, tt.field)
			}
			if b.Len() != 0 {
				t.Errorf("WriteCSV() wrote %d bytes before failing, want none", b.Len())
			}
			// The same rows export fine as UTF-8.
			l.Encoding = UTF8BOM
			if err := WriteCSV(&b, l, rs); err != nil {
				t.Errorf("WriteCSV(UTF8BOM) error = %v", err)
			}
		})
	}
}

func TestWriteCSVFormats(t *testing.T) {
	rows := sampleRows(t)[:1]
	rows[0].Result.LeaveByCategory = map[string]int{"annual": 585, "sick": 90}
	rows[0].Result.Over60RestMin = 30
	cols := []Column{{"worked", "w"}, {"cat:ot125:time", "t"}, {"cat:ot125:hours", "h"}, {"cat:ot160:amount", "a"},
		{"deduction", "d"}, {"kana", "k"}, {"employment_type_code", "e"}, {"month", "m"},
		{"leave:annual", "年休"}, {"leave:sick", "病休"}, {"leave:summer", "夏休"}, {"over60_rest", "60超休日"}}
	tests := []struct {
		hf   HoursFormat
		want []string
	}{
		{Hours, []string{"169.50", "13.67", "14", "0", "0.17", "ヤマダ タロウ", "regular", "10", "9.75", "1.50", "0.00", "0.50"}},
		{HMM, []string{"169:30", "13:40", "14", "0", "0:10", "ヤマダ タロウ", "regular", "10", "9:45", "1:30", "0:00", "0:30"}},
		{Minutes, []string{"10170", "820", "14", "0", "10", "ヤマダ タロウ", "regular", "10", "585", "90", "0", "30"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.hf), func(t *testing.T) {
			got := readCSV(t, bytes.TrimPrefix(writeCSV(t, Layout{Columns: cols, HoursFormat: tt.hf}, rows), []byte("\xef\xbb\xbf")))
			if diff := cmp.Diff(tt.want, got[1]); diff != "" {
				t.Errorf("WriteCSV(%q) row (-want +got):\n%s", tt.hf, diff)
			}
		})
	}
}

func TestWriteCSVInvalidLayout(t *testing.T) {
	var b bytes.Buffer
	err := WriteCSV(&b, Layout{Columns: []Column{{"nope", "x"}}}, nil)
	if kintai.ErrorCode(err) != kintai.EINVALID || b.Len() != 0 {
		t.Errorf("WriteCSV(unknown key) = %v and %d bytes, want an invalid error and nothing", err, b.Len())
	}
}
