package calendar

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"

	"kintai"
)

const header = HeaderDate + "," + HeaderName + "\n"

func sjis(t testing.TB, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q as Shift_JIS: %v", s, err)
	}
	return b
}

func nat(y int, m time.Month, d int, name string) Day {
	return Day{Date: kintai.Date{Year: y, Month: m, Day: d}, Name: name, Kind: National}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want []Day
	}{
		{
			name: "TC-CAL-03 Shift_JIS 振替休日 named 休日",
			in:   sjis(t, header+"2024/9/22,秋分の日\n2024/9/23,休日\n"),
			want: []Day{nat(2024, 9, 22, "秋分の日"), nat(2024, 9, 23, "休日")},
		},
		{
			name: "UTF-8 with BOM and CRLF",
			in:   []byte("\ufeff" + strings.ReplaceAll(header+"2025/1/1,元日\n2025/1/13,成人の日\n", "\n", "\r\n")),
			want: []Day{nat(2025, 1, 1, "元日"), nat(2025, 1, 13, "成人の日")},
		},
		{
			name: "UTF-8 without BOM, no final newline",
			in:   []byte(header + "2025/2/11,建国記念の日"),
			want: []Day{nat(2025, 2, 11, "建国記念の日")},
		},
		{
			name: "out of order rows come back sorted",
			in:   []byte(header + "2025/5/5,こどもの日\n2025/5/3,憲法記念日\n2024/12/31,テスト\n"),
			want: []Day{nat(2024, 12, 31, "テスト"), nat(2025, 5, 3, "憲法記念日"), nat(2025, 5, 5, "こどもの日")},
		},
		{
			name: "blank lines, padding, spaces and spreadsheet trailing commas",
			in:   []byte("\n" + header + "\n 2025/03/20 ,　春分の日　,,\n\n"),
			want: []Day{nat(2025, 3, 20, "春分の日")},
		},
		{
			name: "full-width parentheses in the 2019 names",
			in:   sjis(t, header+"2019/5/1,休日（祝日扱い）\n2019/10/14,体育の日（スポーツの日）\n"),
			want: []Day{nat(2019, 5, 1, "休日（祝日扱い）"), nat(2019, 10, 14, "体育の日（スポーツの日）")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		// ja and en are substrings each message must hold: every bad
		// line must be named.
		ja, en []string
	}{
		{
			name: "empty file",
			in:   nil,
			ja:   []string{"空です"},
			en:   []string{"empty"},
		},
		{
			name: "blank lines only",
			in:   []byte("\r\n \n\n"),
			ja:   []string{"空です"},
			en:   []string{"empty"},
		},
		{
			name: "header only",
			in:   []byte(header + "\n\n"),
			ja:   []string{"データ行がありません"},
			en:   []string{"no data rows"},
		},
		{
			name: "no header",
			in:   []byte("2024/9/23,休日\n"),
			ja:   []string{"1行目: 見出し行が"},
			en:   []string{"line 1: the header"},
		},
		{
			name: "every bad line named",
			in: sjis(t, header+
				"2024/9/23,休日\n"+ // 2: fine
				"2024/13/1,休日\n"+ // 3: no month 13
				"2024/9/23,休日\n"+ // 4: duplicate of line 2
				"2024/2/30,休日\n"+ // 5: no such day
				",休日\n"+ // 6: no date
				"2024/5/1,\n"+ // 7: no name
				"2024/5/2\n"+ // 8: one column
				"2024/5/3,憲法記念日,x\n"+ // 9: third column
				"1900/1/1,元日\n"), // 10: before 祝日法
			ja: []string{"8行に誤りがあります",
				"3行目: 日付「2024/13/1」が正しくありません",
				"4行目: 日付 2024/9/23 が2行目と重複しています",
				"5行目: 日付「2024/2/30」",
				"6行目: 日付が空です",
				"7行目: 名称が空です",
				"8行目: 「日付,名称」の2列",
				"9行目: 3列目以降",
				"10行目: 日付「1900/1/1」の年が範囲外"},
			en: []string{"errors on 8 lines",
				`line 3: invalid date "2024/13/1"`,
				"line 4: date 2024/9/23 is also on line 2",
				`line 5: invalid date "2024/2/30"`,
				"line 6: the date is empty",
				"line 7: the name is empty",
				"line 8: want 2 columns",
				"line 9: unexpected text",
				`line 10: date "1900/1/1" is out of range`},
		},
		{
			name: "line numbers count blank lines and CRLF",
			in:   []byte("\r\n" + strings.ReplaceAll(header, "\n", "\r\n") + "\r\n2024/9/23,休日\r\nxx,休日\r\n"),
			ja:   []string{"5行目: 日付「xx」"},
			en:   []string{`line 5: invalid date "xx"`},
		},
		{
			name: "malformed quotes",
			in:   []byte(header + "2024/9/23,\"休日\n"),
			ja:   []string{"2行目: CSVの形式"},
			en:   []string{"line 2: malformed CSV"},
		},
		{
			name: "neither UTF-8 nor Shift_JIS",
			in:   []byte{0xff, 0xfe, 0x41, 0x00},
			ja:   []string{"文字コード"},
			en:   []string{"encoding"},
		},
		{
			name: "too large",
			in:   append([]byte(header), bytes.Repeat([]byte("\n"), MaxBytes)...),
			ja:   []string{"大きすぎます"},
			en:   []string{"too large"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(bytes.NewReader(tt.in))
			if got != nil {
				t.Errorf("Parse() = %v, want nil", got)
			}
			var ke *kintai.Error
			if !errors.As(err, &ke) || ke.Code != kintai.EINVALID {
				t.Fatalf("Parse() error = %v, want a *kintai.Error with code %s", err, kintai.EINVALID)
			}
			for _, s := range tt.ja {
				if !strings.Contains(ke.Message, s) {
					t.Errorf("Parse() message = %q, want it to contain %q", ke.Message, s)
				}
			}
			for _, s := range tt.en {
				if !strings.Contains(ke.MessageEN, s) {
					t.Errorf("Parse() English message = %q, want it to contain %q", ke.MessageEN, s)
				}
			}
		})
	}
}

func TestParseErrorListIsBounded(t *testing.T) {
	in := header + strings.Repeat("x,休日\n", 2*maxListed)
	_, err := Parse(strings.NewReader(in))
	ja, en := kintai.ErrorMessages(err)
	if n := strings.Count(ja, "行目:"); n != maxListed {
		t.Errorf("Parse() names %d lines, want %d", n, maxListed)
	}
	if want := "ほか100件"; !strings.Contains(ja, want) {
		t.Errorf("Parse() message = …%q, want it to contain %q", ja[len(ja)-40:], want)
	}
	if want := "200 lines"; !strings.Contains(en, want) {
		t.Errorf("Parse() English message does not contain %q", want)
	}
}

// TestParseShiftJISAndUTF8Twins checks that the built-in Shift_JIS file
// and its UTF-8 twin parse the same.
func TestParseShiftJISAndUTF8Twins(t *testing.T) {
	if utf8.Valid(builtinCSV) {
		t.Fatal("built-in syukujitsu.csv is valid UTF-8, want Shift_JIS as the Cabinet Office publishes it")
	}
	u, err := japanese.ShiftJIS.NewDecoder().Bytes(builtinCSV)
	if err != nil {
		t.Fatalf("decode built-in file: %v", err)
	}
	lf := bytes.ReplaceAll(u, []byte("\r\n"), []byte("\n"))
	fromSJIS, err := Parse(bytes.NewReader(builtinCSV))
	if err != nil {
		t.Fatalf("Parse(Shift_JIS) error = %v", err)
	}
	for name, twin := range map[string][]byte{
		"UTF-8 CRLF":    u,
		"UTF-8 BOM LF":  append(append([]byte{}, utf8BOM...), lf...),
		"Shift_JIS LF":  sjis(t, string(lf)),
		"UTF-8 LF only": lf,
	} {
		got, err := Parse(bytes.NewReader(twin))
		if err != nil {
			t.Fatalf("Parse(%s) error = %v", name, err)
		}
		if diff := cmp.Diff(fromSJIS, got); diff != "" {
			t.Errorf("Parse(%s) differs from Parse(Shift_JIS) (-sjis +%s):\n%s", name, name, diff)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(builtinCSV)
	f.Add([]byte(header + "2024/9/23,休日\n"))
	f.Add([]byte(header + "2024/9/23,\"休\"\"日\"\n2024/9/24,\"a\nb\"\n"))
	f.Add([]byte("\ufeff" + header + "2024/02/29,x,,\r\n"))
	f.Add([]byte(header + "\"\n"))
	f.Add([]byte{0x82, 0xa0, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		days, err := Parse(bytes.NewReader(in))
		if err != nil {
			if days != nil {
				t.Fatalf("Parse() = %v with error %v, want nothing half-parsed", days, err)
			}
			if code := kintai.ErrorCode(err); code != kintai.EINVALID {
				t.Fatalf("Parse() error code = %s, want %s (%v)", code, kintai.EINVALID, err)
			}
			return
		}
		if len(days) == 0 {
			t.Fatal("Parse() = no days and no error")
		}
		for i, d := range days {
			if d.Name == "" || d.Kind != National || d.Date.IsZero() {
				t.Fatalf("Parse() day %d = %+v", i, d)
			}
			if i > 0 && !days[i-1].Date.Before(d.Date) {
				t.Fatalf("Parse() days %v and %v are not in strict date order", days[i-1].Date, d.Date)
			}
		}
	})
}
