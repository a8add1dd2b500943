package staffcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/text/encoding/japanese"

	"kintai"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const hdr = "職員番号,氏名,カナ,雇用区分,任用開始日,任用終了日,所属コード,拠点コード,上司職員番号,メールアドレス"

// base is a valid row in canonical column order.
var base = map[string]string{
	ColStaffNo:           "S0001",
	ColName:              "山田 太郎",
	ColKana:              "ヤマダ タロウ",
	ColEmploymentType:    "常勤",
	ColAppointedOn:       "2025-04-01",
	ColAppointmentEndsOn: "",
	ColOrgUnitCode:       "SOUMU-01",
	ColSiteCodes:         "HONCHO",
	ColSupervisorNo:      "",
	ColEmail:             "taro@example.lg.jp",
}

// baseRow is base as parsed from line 2.
var baseRow = Row{
	Line:           2,
	StaffNo:        "S0001",
	Name:           "山田 太郎",
	Kana:           "ヤマダ　タロウ", // spaces widened too
	EmploymentType: kintai.Regular,
	AppointedOn:    kintai.Date{Year: 2025, Month: 4, Day: 1},
	OrgUnitCode:    "SOUMU-01",
	SiteCodes:      []string{"HONCHO"},
	Email:          "taro@example.lg.jp",
}

// line returns base with some cells replaced, as one CSV line in canonical
// column order, quoted where needed.
func line(over map[string]string) string {
	cells := make([]string, 0, numColumns)
	for _, c := range Header() {
		v := base[c]
		if o, ok := over[c]; ok {
			v = o
		}
		cells = append(cells, v)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(cells)
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// file joins lines with LF and a final LF.
func file(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func shiftJIS(t testing.TB, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode Shift_JIS: %v", err)
	}
	return b
}

func mustParse(t *testing.T, data []byte, enc Encoding) *File {
	t.Helper()
	f, err := Parse(bytes.NewReader(data), enc)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

// checkMessages fails unless every error has both messages.
func checkMessages(t *testing.T, errs []RowError) {
	t.Helper()
	for _, e := range errs {
		if e.Message == "" || e.MessageEN == "" {
			t.Errorf("error %+v lacks a message", e)
		}
	}
}

// checkFileError fails unless err is an EINVALID *kintai.Error whose
// messages contain ja and en.
func checkFileError(t *testing.T, err error, ja, en string) {
	t.Helper()
	var ke *kintai.Error
	if !errors.As(err, &ke) || ke.Code != kintai.EINVALID {
		t.Fatalf("Parse error = %v, want an EINVALID *kintai.Error", err)
	}
	if !strings.Contains(ke.Message, ja) || ke.MessageEN == "" || !strings.Contains(ke.MessageEN, en) {
		t.Errorf("Parse error messages = %q / %q, want them to contain %q / %q", ke.Message, ke.MessageEN, ja, en)
	}
}

func TestParseEncodings(t *testing.T) {
	text := file(hdr,
		line(nil),
		line(map[string]string{ColStaffNo: "S0002", ColName: "佐藤 花子", ColKana: "サトウ ハナコ", ColEmploymentType: "会計年度任用パートタイム", ColAppointmentEndsOn: "2026-03-31", ColSiteCodes: "", ColSupervisorNo: "S0001", ColEmail: ""}))
	want := []Row{baseRow, {
		Line:              3,
		StaffNo:           "S0002",
		Name:              "佐藤 花子",
		Kana:              "サトウ　ハナコ",
		EmploymentType:    kintai.FiscalPart,
		AppointedOn:       kintai.Date{Year: 2025, Month: 4, Day: 1},
		AppointmentEndsOn: kintai.Date{Year: 2026, Month: 3, Day: 31},
		OrgUnitCode:       "SOUMU-01",
		SupervisorNo:      "S0001",
	}}
	crlf := strings.ReplaceAll(text, "\n", "\r\n")
	tests := []struct {
		name    string
		data    []byte
		enc     Encoding
		wantEnc Encoding
	}{
		{"UTF-8 with BOM", []byte("\ufeff" + text), Auto, UTF8},
		{"UTF-8 without BOM", []byte(text), Auto, UTF8},
		{"empty name is auto", []byte(text), "", UTF8},
		{"UTF-8 given, with BOM", []byte("\ufeff" + text), UTF8, UTF8},
		{"Shift_JIS detected", shiftJIS(t, text), Auto, ShiftJIS},
		{"Shift_JIS given", shiftJIS(t, text), ShiftJIS, ShiftJIS},
		{"Shift_JIS given as cp932", shiftJIS(t, text), "CP932", ShiftJIS},
		{"CRLF", []byte(crlf), Auto, UTF8},
		{"CRLF with BOM", []byte("\ufeff" + crlf), Auto, UTF8},
		{"CRLF Shift_JIS", shiftJIS(t, crlf), Auto, ShiftJIS},
		{"CR only", []byte(strings.ReplaceAll(text, "\n", "\r")), Auto, UTF8},
		{"no final newline", []byte(strings.TrimSuffix(text, "\n")), Auto, UTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.data, tt.enc)
			if f.Encoding != tt.wantEnc {
				t.Errorf("Encoding = %q, want %q", f.Encoding, tt.wantEnc)
			}
			if diff := cmp.Diff(want, f.Rows); diff != "" {
				t.Errorf("Rows mismatch (-want +got):\n%s", diff)
			}
			if !f.OK() {
				t.Errorf("Errors = %v, want none", f.Errors)
			}
		})
	}
}

func TestParseEncodingErrors(t *testing.T) {
	text := file(hdr, line(nil))
	tests := []struct {
		name string
		data []byte
		enc  Encoding
		ja   string
	}{
		{"neither UTF-8 nor Shift_JIS", []byte("\x81\x20\xff\xfd,\x85\x10\n"), Auto, "文字コードを判別できません"},
		{"UTF-16", append([]byte{0xff, 0xfe}, []byte("a\x00")...), Auto, "UTF-16"},
		{"Shift_JIS given as UTF-8", shiftJIS(t, text), UTF8, "UTF-8 として読めない"},
		{"bad bytes given as Shift_JIS", append([]byte(text), 0x80, 0xa0, 0xfd), ShiftJIS, "Shift_JIS として読めない"},
		{"unknown encoding", []byte(text), "euc-jp", "文字コードの指定"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(bytes.NewReader(tt.data), tt.enc)
			if f != nil {
				t.Errorf("Parse returned a File with the error")
			}
			checkFileError(t, err, tt.ja, "")
		})
	}
}

func TestParseNormalises(t *testing.T) {
	tests := []struct {
		name string
		over map[string]string
		want func(*Row)
	}{
		{"half-width kana", map[string]string{ColKana: "ﾔﾏﾀﾞ ﾀﾛｳ"}, func(r *Row) { r.Kana = "ヤマダ　タロウ" }},
		{"half-width semi-voiced kana", map[string]string{ColKana: "ﾎﾟﾝﾃﾞ ｳﾞｨｯﾄ"}, func(r *Row) { r.Kana = "ポンデ　ヴィット" }},
		{"hiragana", map[string]string{ColKana: "やまだ　たろう"}, func(r *Row) { r.Kana = "ヤマダ　タロウ" }},
		{"hiragana with long vowel", map[string]string{ColKana: "おおの ゆーこ"}, func(r *Row) { r.Kana = "オオノ　ユーコ" }},
		{"mixed scripts of kana", map[string]string{ColKana: "やまﾀﾞ タロウ"}, func(r *Row) { r.Kana = "ヤマダ　タロウ" }},
		{"full-width spaces around cells", map[string]string{ColName: "\u3000山田 太郎\u3000", ColStaffNo: " S0001\t"}, func(*Row) {}},
		{"full-width code", map[string]string{ColStaffNo: "Ｓ０００１", ColOrgUnitCode: "ＳＯＵＭＵ－０１"}, func(*Row) {}},
		{"slash dates", map[string]string{ColAppointedOn: "2025/4/1", ColAppointmentEndsOn: "2026/03/31"}, func(r *Row) { r.AppointmentEndsOn = kintai.Date{Year: 2026, Month: 3, Day: 31} }},
		{"full-width date", map[string]string{ColAppointedOn: "２０２５／４／１"}, func(*Row) {}},
		{"employment type code", map[string]string{ColEmploymentType: "reappointed_short"}, func(r *Row) { r.EmploymentType = kintai.ReappointedShort }},
		{"employment type label with space", map[string]string{ColEmploymentType: "会計年度任用 フルタイム", ColAppointmentEndsOn: "2026-03-31"}, func(r *Row) {
			r.EmploymentType = kintai.FiscalFull
			r.AppointmentEndsOn = kintai.Date{Year: 2026, Month: 3, Day: 31}
		}},
		{"end equals start", map[string]string{ColAppointmentEndsOn: "2025-04-01"}, func(r *Row) { r.AppointmentEndsOn = r.AppointedOn }},
		{"several sites", map[string]string{ColSiteCodes: "HONCHO;SHISHO-1、HOIKU_3；X"}, func(r *Row) { r.SiteCodes = []string{"HONCHO", "SHISHO-1", "HOIKU_3", "X"} }},
		{"sites with spaces, repeats and a trailing separator", map[string]string{ColSiteCodes: " HONCHO ; HONCHO ;"}, func(*Row) {}},
		{"no sites", map[string]string{ColSiteCodes: ""}, func(r *Row) { r.SiteCodes = nil }},
		{"supervisor", map[string]string{ColSupervisorNo: "S0000"}, func(r *Row) { r.SupervisorNo = "S0000" }},
		{"no email", map[string]string{ColEmail: ""}, func(r *Row) { r.Email = "" }},
		{"full-width email", map[string]string{ColEmail: "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｌｇ．ｊｐ"}, func(*Row) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, []byte(file(hdr, line(tt.over))), Auto)
			want := baseRow
			want.SiteCodes = slices.Clone(baseRow.SiteCodes)
			tt.want(&want)
			if diff := cmp.Diff([]Row{want}, f.Rows); diff != "" {
				t.Errorf("Rows mismatch (-want +got):\n%s", diff)
			}
			if !f.OK() {
				t.Errorf("Errors = %v, want none", f.Errors)
			}
		})
	}
}

func TestParseHeaderVariants(t *testing.T) {
	tests := []struct {
		name string
		hdr  string
		row  string
		want func(*Row)
	}{
		{"other order", "メールアドレス,カナ,氏名,職員番号,所属コード,雇用区分,任用開始日,拠点コード",
			"taro@example.lg.jp,ヤマダ タロウ,山田 太郎,S0001,SOUMU-01,常勤,2025-04-01,HONCHO", func(*Row) {}},
		{"only required columns", "職員番号,氏名,カナ,雇用区分,任用開始日,所属コード",
			"S0001,山田 太郎,ヤマダ タロウ,常勤,2025-04-01,SOUMU-01", func(r *Row) { r.SiteCodes, r.Email = nil, "" }},
		{"width, kana and spacing of names", "職員 番号,氏名,ｶﾅ,雇用区分,任用開始日,所属ｺｰﾄﾞ, 　任用終了日",
			"S0001,山田 太郎,ヤマダ タロウ,常勤,2025-04-01,SOUMU-01,", func(r *Row) { r.SiteCodes, r.Email = nil, "" }},
		{"hiragana name of a column", "職員番号,氏名,かな,雇用区分,任用開始日,所属コード",
			"S0001,山田 太郎,ヤマダ タロウ,常勤,2025-04-01,SOUMU-01", func(r *Row) { r.SiteCodes, r.Email = nil, "" }},
		{"trailing empty header cell", hdr + ",",
			line(nil) + ",", func(*Row) {}},
		{"trailing empty header cells, none in the row", hdr + ",,",
			line(nil), func(*Row) {}},
		{"trailing empty cells beyond the header", hdr,
			line(nil) + ",,", func(*Row) {}},
		{"blank lines before the header", "\n\n" + hdr, line(nil), func(r *Row) { r.Line = 4 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, []byte(file(tt.hdr, tt.row)), Auto)
			want := baseRow
			want.SiteCodes = slices.Clone(baseRow.SiteCodes)
			tt.want(&want)
			if diff := cmp.Diff([]Row{want}, f.Rows); diff != "" {
				t.Errorf("Rows mismatch (-want +got):\n%s", diff)
			}
			if !f.OK() {
				t.Errorf("Errors = %v, want none", f.Errors)
			}
		})
	}
}

// ignoreMessages compares RowErrors by line and column; checkMessages
// checks the messages are there.
var ignoreMessages = cmpopts.IgnoreFields(RowError{}, "Message", "MessageEN")

func TestParseRowErrors(t *testing.T) {
	long := strings.Repeat("A", 33)
	tests := []struct {
		name      string
		text      string
		want      []RowError
		wantLines []int // lines of the valid rows
	}{
		{"missing staff number", file(hdr, line(map[string]string{ColStaffNo: ""})),
			[]RowError{{Line: 2, Column: ColStaffNo}}, nil},
		{"bad staff number", file(hdr, line(map[string]string{ColStaffNo: "S 0001"})),
			[]RowError{{Line: 2, Column: ColStaffNo}}, nil},
		{"kanji staff number", file(hdr, line(map[string]string{ColStaffNo: "職員1"})),
			[]RowError{{Line: 2, Column: ColStaffNo}}, nil},
		{"staff number too long", file(hdr, line(map[string]string{ColStaffNo: long})),
			[]RowError{{Line: 2, Column: ColStaffNo}}, nil},
		{"missing name", file(hdr, line(map[string]string{ColName: "　"})),
			[]RowError{{Line: 2, Column: ColName}}, nil},
		{"name too long", file(hdr, line(map[string]string{ColName: strings.Repeat("山", 101)})),
			[]RowError{{Line: 2, Column: ColName}}, nil},
		{"missing kana", file(hdr, line(map[string]string{ColKana: ""})),
			[]RowError{{Line: 2, Column: ColKana}}, nil},
		{"kana in kanji", file(hdr, line(map[string]string{ColKana: "山田 太郎"})),
			[]RowError{{Line: 2, Column: ColKana}}, nil},
		{"kana in romaji", file(hdr, line(map[string]string{ColKana: "Yamada Taro"})),
			[]RowError{{Line: 2, Column: ColKana}}, nil},
		{"missing employment type", file(hdr, line(map[string]string{ColEmploymentType: ""})),
			[]RowError{{Line: 2, Column: ColEmploymentType}}, nil},
		{"unknown employment type", file(hdr, line(map[string]string{ColEmploymentType: "正規"})),
			[]RowError{{Line: 2, Column: ColEmploymentType}}, nil},
		{"missing start", file(hdr, line(map[string]string{ColAppointedOn: ""})),
			[]RowError{{Line: 2, Column: ColAppointedOn}}, nil},
		{"start in dots", file(hdr, line(map[string]string{ColAppointedOn: "2025.4.1"})),
			[]RowError{{Line: 2, Column: ColAppointedOn}}, nil},
		{"start that does not exist", file(hdr, line(map[string]string{ColAppointedOn: "2025-02-29"})),
			[]RowError{{Line: 2, Column: ColAppointedOn}}, nil},
		{"end not a date", file(hdr, line(map[string]string{ColAppointmentEndsOn: "令和8年3月31日"})),
			[]RowError{{Line: 2, Column: ColAppointmentEndsOn}}, nil},
		{"end before start", file(hdr, line(map[string]string{ColAppointmentEndsOn: "2025-03-31"})),
			[]RowError{{Line: 2, Column: ColAppointmentEndsOn}}, nil},
		{"fiscal full without end", file(hdr, line(map[string]string{ColEmploymentType: "fiscal_full"})),
			[]RowError{{Line: 2, Column: ColAppointmentEndsOn}}, nil},
		{"fiscal part without end column", file("職員番号,氏名,カナ,雇用区分,任用開始日,所属コード", "S0001,山田 太郎,ヤマダ タロウ,会計年度任用パートタイム,2025-04-01,SOUMU-01"),
			[]RowError{{Line: 2, Column: ColAppointmentEndsOn}}, nil},
		{"missing org unit", file(hdr, line(map[string]string{ColOrgUnitCode: ""})),
			[]RowError{{Line: 2, Column: ColOrgUnitCode}}, nil},
		{"org unit by name", file(hdr, line(map[string]string{ColOrgUnitCode: "総務課"})),
			[]RowError{{Line: 2, Column: ColOrgUnitCode}}, nil},
		{"bad site codes", file(hdr, line(map[string]string{ColSiteCodes: "HONCHO;本庁舎;A B"})),
			[]RowError{{Line: 2, Column: ColSiteCodes}, {Line: 2, Column: ColSiteCodes}}, nil},
		{"sites separated by commas", file(hdr, line(map[string]string{ColSiteCodes: "HONCHO,SHISHO"})),
			[]RowError{{Line: 2, Column: ColSiteCodes}}, nil},
		{"bad supervisor", file(hdr, line(map[string]string{ColSupervisorNo: "課長"})),
			[]RowError{{Line: 2, Column: ColSupervisorNo}}, nil},
		{"own supervisor", file(hdr, line(map[string]string{ColSupervisorNo: "Ｓ0001"})),
			[]RowError{{Line: 2, Column: ColSupervisorNo}}, nil},
		{"email without domain", file(hdr, line(map[string]string{ColEmail: "taro@"})),
			[]RowError{{Line: 2, Column: ColEmail}}, nil},
		{"email without dot", file(hdr, line(map[string]string{ColEmail: "taro@localhost"})),
			[]RowError{{Line: 2, Column: ColEmail}}, nil},
		{"two emails", file(hdr, line(map[string]string{ColEmail: "a@example.jp;b@example.jp"})),
			[]RowError{{Line: 2, Column: ColEmail}}, nil},
		{"email with name", file(hdr, line(map[string]string{ColEmail: "山田 <taro@example.jp>"})),
			[]RowError{{Line: 2, Column: ColEmail}}, nil},
		{"tab in a cell", file(hdr, line(map[string]string{ColName: "山田\t太郎"})),
			[]RowError{{Line: 2, Column: ColName}}, nil},
		{"too few cells", file(hdr, "S0001,山田 太郎,ヤマダ タロウ,常勤"),
			[]RowError{{Line: 2}}, nil},
		{"too many cells", file(hdr, line(nil)+",extra"),
			[]RowError{{Line: 2}}, nil},
		{"too few cells after trailing empty header cells", file(hdr+",,", "S0001,山田 太郎,ヤマダ タロウ,常勤,2025-04-01,,SOUMU-01,HONCHO,"),
			[]RowError{{Line: 2}}, nil},
		{"value under an empty header", file(hdr+",", line(nil)+",x"),
			[]RowError{{Line: 2}}, nil},
		{"bare quote", file(hdr, line(nil), `S0002,山"田,ヤマダ,常勤,2025-04-01,,SOUMU-01,,,`, line(map[string]string{ColStaffNo: "S0003"})),
			[]RowError{{Line: 3}}, []int{2, 4}},
		{"every cell wrong, in column order", file("メールアドレス,上司職員番号,拠点コード,所属コード,任用終了日,任用開始日,雇用区分,カナ,氏名,職員番号",
			"x,y y,z z,,2025-13-01,x,x,x,,"),
			[]RowError{
				{Line: 2, Column: ColStaffNo}, {Line: 2, Column: ColName}, {Line: 2, Column: ColKana},
				{Line: 2, Column: ColEmploymentType}, {Line: 2, Column: ColAppointedOn}, {Line: 2, Column: ColAppointmentEndsOn},
				{Line: 2, Column: ColOrgUnitCode}, {Line: 2, Column: ColSiteCodes}, {Line: 2, Column: ColSupervisorNo},
				{Line: 2, Column: ColEmail},
			}, nil},
		{"lines count blank lines", file(hdr, "", line(nil), "  ", "", ",,,,,,,,,", "\u3000", line(map[string]string{ColStaffNo: "S0002", ColKana: "x"}), line(map[string]string{ColStaffNo: "S0003"})),
			[]RowError{{Line: 8, Column: ColKana}}, []int{3, 9}},
		{"lines count a quoted cell over three lines", file(hdr,
			line(map[string]string{ColName: "山田\n\n太郎"}),
			line(map[string]string{ColStaffNo: "S0002", ColAppointedOn: "4/1"}),
			line(map[string]string{ColStaffNo: "S0003"})),
			[]RowError{{Line: 2, Column: ColName}, {Line: 5, Column: ColAppointedOn}}, []int{6}},
		{"lines count a quoted cell over CRLF lines", strings.ReplaceAll(file(hdr,
			line(map[string]string{ColName: "山田\n太郎"}),
			line(map[string]string{ColStaffNo: "S0002", ColEmail: "x"})), "\n", "\r\n"),
			[]RowError{{Line: 2, Column: ColName}, {Line: 4, Column: ColEmail}}, nil},
		{"lines count a header name broken over two lines", file(`"職員番号","氏名","カナ","雇用区分","任用開始日","所属コード","任用
終了日"`, "S0001,山田 太郎,ヤマダ タロウ,常勤,2025-04-01,SOUMU-01,2025-03-01"),
			[]RowError{{Line: 3, Column: ColAppointmentEndsOn}}, nil},
		{"errors on many lines, sorted", file(hdr,
			line(map[string]string{ColEmail: "bad"}),
			line(map[string]string{ColStaffNo: "S0002"}),
			line(map[string]string{ColStaffNo: "S0003", ColKana: "bad", ColName: ""})),
			[]RowError{{Line: 2, Column: ColEmail}, {Line: 4, Column: ColName}, {Line: 4, Column: ColKana}}, []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, []byte(tt.text), Auto)
			if diff := cmp.Diff(tt.want, f.Errors, ignoreMessages); diff != "" {
				t.Errorf("Errors mismatch (-want +got):\n%s\ngot %v", diff, f.Errors)
			}
			checkMessages(t, f.Errors)
			var lines []int
			for _, r := range f.Rows {
				lines = append(lines, r.Line)
			}
			if diff := cmp.Diff(tt.wantLines, lines); diff != "" {
				t.Errorf("lines of Rows mismatch (-want +got):\n%s", diff)
			}
			if f.OK() {
				t.Errorf("OK() = true with errors %v", f.Errors)
			}
		})
	}
}

func TestParseMessages(t *testing.T) {
	f := mustParse(t, []byte(file(hdr, line(map[string]string{ColAppointedOn: "2025.4.1"}))), Auto)
	if len(f.Errors) != 1 {
		t.Fatalf("Errors = %v, want one", f.Errors)
	}
	const want = "2行目 任用開始日: 日付の形式が正しくありません（例: 2025-04-01）"
	if got := f.Errors[0].Error(); !strings.HasPrefix(got, want) {
		t.Errorf("Error() = %q, want it to start with %q", got, want)
	}
	const wantEN = "line 2, appointment start date (任用開始日): Invalid date"
	if got := f.Errors[0].ErrorEN(); !strings.HasPrefix(got, wantEN) {
		t.Errorf("ErrorEN() = %q, want it to start with %q", got, wantEN)
	}
	whole := RowError{Line: 7, Message: "列の数が違います。", MessageEN: "Wrong number of cells."}
	if got, want := whole.Error(), "7行目: 列の数が違います。"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := whole.ErrorEN(), "line 7: Wrong number of cells."; got != want {
		t.Errorf("ErrorEN() = %q, want %q", got, want)
	}
}

func TestParseDuplicates(t *testing.T) {
	f := mustParse(t, []byte(file(hdr,
		line(nil),
		line(map[string]string{ColStaffNo: "S0002"}),
		line(map[string]string{ColName: "山田 二郎"}),
		"",
		line(map[string]string{ColStaffNo: "Ｓ0001", ColEmail: "x"}),
	)), Auto)
	want := []RowError{
		{Line: 4, Column: ColStaffNo},
		{Line: 6, Column: ColStaffNo}, // full-width, same number
		{Line: 6, Column: ColEmail},
	}
	if diff := cmp.Diff(want, f.Errors, ignoreMessages); diff != "" {
		t.Fatalf("Errors mismatch (-want +got):\n%s", diff)
	}
	for _, e := range f.Errors[:2] {
		if !strings.Contains(e.Message, "2行目") || !strings.Contains(e.Message, "S0001") || !strings.Contains(e.MessageEN, "line 2") {
			t.Errorf("duplicate error %q / %q does not name line 2 and S0001", e.Message, e.MessageEN)
		}
	}
	if got := len(f.Rows); got != 2 {
		t.Errorf("len(Rows) = %d, want 2 (the first S0001 and S0002)", got)
	}
}

func TestParseHeaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		ja, en string
	}{
		{"empty file", "", "ファイルが空です", "empty"},
		{"blank lines only", "\n\r\n \n,,,\n", "ファイルが空です", "empty"},
		{"header only", file(hdr), "データ行がありません", "no data rows"},
		{"header and blank lines only", file(hdr, "", ",,,,,,,,,"), "データ行がありません", "no data rows"},
		{"no header", file(line(nil), line(map[string]string{ColStaffNo: "S0002"})), "1行目に見出し行がありません", "No header row"},
		{"missing required columns", file("職員番号,カナ,雇用区分,任用開始日", "S0001,ヤマダ,常勤,2025-04-01"), "必須の列がありません: 氏名、所属コード", "Missing required columns: 氏名, 所属コード"},
		{"unknown column", file(hdr+",備考,生年月日", line(nil)+",,"), "不明な列があります: 「備考」、「生年月日」", "Unknown columns"},
		{"repeated column", file(hdr+",氏名", line(nil)+",x"), "同じ列が2回以上あります: 氏名", "Repeated columns: 氏名"},
		{"malformed header", file(`職員番号,"氏名,カナ`, line(nil)), "見出し行", "header"},
		{"password column", file(hdr+",パスワード", line(nil)+",secret123"), "パスワードの列「パスワード」は取り込めません", "passwords are never imported"},
		{"password column in English", file("Password,"+hdr, "secret123,"+line(nil)), "パスワードの列", "passwords are never imported"},
		{"password column in half-width", file(hdr+",ﾊﾟｽﾜｰﾄﾞ", line(nil)+",secret123"), "パスワードの列", "passwords are never imported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.text), Auto)
			if f != nil {
				t.Errorf("Parse returned a File with %d rows, want an error", len(f.Rows))
			}
			checkFileError(t, err, tt.ja, tt.en)
			if strings.Contains(err.Error(), "secret123") {
				t.Errorf("error %q holds a password", err)
			}
		})
	}
}

func TestParseMyNumber(t *testing.T) {
	const value = "123456789018"
	for _, name := range []string{
		"個人番号",
		"マイナンバー",
		"My Number",
		"MYNUMBER",
		"my_number",
		"mynumber",
		"My-Number",
		"ﾏｲﾅﾝﾊﾞｰ",
		"まいなんばー",
		"個人番号（マイナンバー）",
		"ｍｙ　ｎｕｍｂｅｒ",
		"  マイ ナンバー  ",
		"Individual Number",
		"職員個人番号",
	} {
		t.Run(name, func(t *testing.T) {
			for _, text := range []string{
				file(hdr+","+name, line(nil)+","+value),
				file(name+","+hdr, value+","+line(nil)),
				// before anything else about the hdr is looked at
				file(name+",備考", value+",x"),
			} {
				for _, data := range [][]byte{[]byte(text), shiftJIS(t, text)} {
					f, err := Parse(bytes.NewReader(data), Auto)
					if f != nil {
						t.Fatalf("Parse returned a File with %d rows, want an error", len(f.Rows))
					}
					checkFileError(t, err, "本システムは個人番号を読み込まず、保存もしません", "never reads or stores My Numbers")
					var ke *kintai.Error
					errors.As(err, &ke)
					for _, s := range []string{ke.Message, ke.MessageEN, err.Error()} {
						if strings.Contains(s, value) {
							t.Errorf("error %q holds the My Number", s)
						}
					}
				}
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	rows := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString(hdr + "\n")
		for i := range n {
			fmt.Fprintf(&b, "S%06d,山田 太郎,ヤマダ タロウ,常勤,2025-04-01,,SOUMU-01,,,\n\n", i)
		}
		return b.Bytes()
	}
	t.Run("at the row limit", func(t *testing.T) {
		f := mustParse(t, rows(MaxRows), Auto)
		if len(f.Rows) != MaxRows || !f.OK() {
			t.Errorf("len(Rows) = %d with %d errors, want %d rows and none", len(f.Rows), len(f.Errors), MaxRows)
		}
		if got, want := f.Rows[MaxRows-1].Line, 2*MaxRows; got != want {
			t.Errorf("last Row.Line = %d, want %d", got, want)
		}
	})
	t.Run("over the row limit", func(t *testing.T) {
		_, err := Parse(bytes.NewReader(rows(MaxRows+1)), Auto)
		checkFileError(t, err, "データ行が多すぎます（上限 50000 行）", "Too many data rows")
	})
	t.Run("over the row limit with bad rows", func(t *testing.T) {
		b := bytes.Repeat([]byte("x\n"), MaxRows+1)
		_, err := Parse(bytes.NewReader(append([]byte(hdr+"\n"), b...)), Auto)
		checkFileError(t, err, "データ行が多すぎます", "Too many data rows")
	})
	t.Run("over the size limit", func(t *testing.T) {
		r := bytes.NewReader(append([]byte(hdr+"\n"), make([]byte, MaxBytes)...))
		_, err := Parse(r, Auto)
		checkFileError(t, err, "ファイルが大きすぎます（上限 20 MiB）", "too large")
	})
}

func TestCheckRefs(t *testing.T) {
	f := mustParse(t, []byte(file(hdr,
		line(map[string]string{ColSupervisorNo: "BOSS"}),                                                       // 2: boss in the database
		line(map[string]string{ColStaffNo: "S0002", ColSupervisorNo: "S0001", ColSiteCodes: "HONCHO;NOWHERE"}), // 3: boss in the file; one site unknown
		line(map[string]string{ColStaffNo: "S0003", ColSupervisorNo: "S0009", ColOrgUnitCode: "GONE"}),         // 4: boss and org unit unknown
		line(map[string]string{ColStaffNo: "S0004", ColSupervisorNo: "S0005"}),                                 // 5: boss on a bad row
		line(map[string]string{ColStaffNo: "S0005", ColKana: "bad", ColOrgUnitCode: "GONE"}),                   // 6: bad row, not checked
		line(map[string]string{ColStaffNo: "S0006", ColSiteCodes: "NOWHERE;ALSO-NOT", ColSupervisorNo: "S0006x"}),
	)), Auto)
	if got := len(f.Errors); got != 1 {
		t.Fatalf("Errors = %v, want one (line 6)", f.Errors)
	}
	known := Refs{
		OrgUnit: func(code string) bool { return code == "SOUMU-01" },
		Site:    func(code string) bool { return code == "HONCHO" },
		Staff:   func(no string) bool { return no == "BOSS" },
	}
	want := []RowError{
		{Line: 3, Column: ColSiteCodes},
		{Line: 4, Column: ColOrgUnitCode},
		{Line: 4, Column: ColSupervisorNo},
		{Line: 7, Column: ColSiteCodes},
		{Line: 7, Column: ColSiteCodes},
		{Line: 7, Column: ColSupervisorNo},
	}
	got := f.CheckRefs(known)
	if diff := cmp.Diff(want, got, ignoreMessages); diff != "" {
		t.Errorf("CheckRefs mismatch (-want +got):\n%s", diff)
	}
	checkMessages(t, got)
	if !strings.Contains(got[0].Message, "NOWHERE") || !strings.Contains(got[1].Message, "GONE") {
		t.Errorf("CheckRefs messages %q, %q do not name the code", got[0].Message, got[1].Message)
	}
	if got := f.CheckRefs(Refs{}); got != nil {
		t.Errorf("CheckRefs(Refs{}) = %v, want nil: nil lookups are skipped", got)
	}
	hand := &File{Rows: []Row{{Line: 2, StaffNo: "A"}, {Line: 3, StaffNo: "B", SupervisorNo: "A"}, {Line: 4, StaffNo: "C", SupervisorNo: "Z"}}}
	if diff := cmp.Diff([]RowError{{Line: 4, Column: ColSupervisorNo}}, hand.CheckRefs(Refs{Staff: func(string) bool { return false }}), ignoreMessages); diff != "" {
		t.Errorf("CheckRefs of a File built by hand mismatch (-want +got):\n%s", diff)
	}
}

func TestTemplate(t *testing.T) {
	b := Template()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Errorf("Template() does not start with a UTF-8 BOM")
	}
	if !bytes.HasPrefix(b[3:], []byte(strings.Join(Header(), ",")+"\r\n")) {
		t.Errorf("Template() does not start with the header and CRLF: %q", b)
	}
	if got := strings.Join(Header(), ","); got != hdr {
		t.Errorf("Header() = %q, want %q", got, hdr)
	}
	f := mustParse(t, b, Auto)
	if len(f.Rows) != 1 || !f.OK() {
		t.Errorf("Parse(Template()) = %d rows, errors %v; want 1 row, no errors", len(f.Rows), f.Errors)
	}
	Header()[0] = "changed"
	if Header()[0] != ColStaffNo {
		t.Errorf("Header() shares its slice")
	}
}

// TestParseGolden parses each testdata/*.csv and compares a report of the
// result with testdata/*.golden; go test -update rewrites the reports.
func TestParseGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.csv")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".csv")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f := mustParse(t, data, Auto)
			got := report(f)
			// The same file in Shift_JIS reads the same.
			sj := mustParse(t, shiftJIS(t, strings.TrimPrefix(string(data), "\ufeff")), Auto)
			sj.Encoding = f.Encoding
			if diff := cmp.Diff(got, report(sj)); diff != "" {
				t.Errorf("Shift_JIS copy reads differently (-utf8 +sjis):\n%s", diff)
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("report mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func report(f *File) string {
	var b strings.Builder
	fmt.Fprintf(&b, "encoding: %s\n", f.Encoding)
	for _, r := range f.Rows {
		fmt.Fprintf(&b, "row %d: %s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n", r.Line, r.StaffNo, r.Name, r.Kana, r.EmploymentType,
			r.AppointedOn, r.AppointmentEndsOn, r.OrgUnitCode, strings.Join(r.SiteCodes, ";"), r.SupervisorNo, r.Email)
	}
	for _, e := range f.Errors {
		fmt.Fprintf(&b, "%s\n\t%s\n", e.Error(), e.ErrorEN())
	}
	known := Refs{
		OrgUnit: func(code string) bool { return code == "SOUMU-01" },
		Site:    func(code string) bool { return code == "HONCHO" },
		Staff:   func(string) bool { return false },
	}
	for _, e := range f.CheckRefs(known) {
		fmt.Fprintf(&b, "ref %s\n\t%s\n", e.Error(), e.ErrorEN())
	}
	return b.String()
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(file(hdr, line(nil))), false)
	f.Add(Template(), false)
	f.Add(shiftJIS(f, file(hdr, line(map[string]string{ColKana: "ﾔﾏﾀﾞ"}))), true)
	f.Add([]byte(file(hdr, `"a`+"\n"+`b",",,"`, "\r\n\r")), false)
	f.Add([]byte(file("マイナンバー", "1")), false)
	f.Add([]byte("\xff\xfe\x00"), false)
	if paths, _ := filepath.Glob("testdata/*.csv"); len(paths) > 0 {
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b, false)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, sjis bool) {
		enc := Auto
		if sjis {
			enc = ShiftJIS
		}
		pf, err := Parse(bytes.NewReader(data), enc)
		if err != nil {
			if kintai.ErrorCode(err) != kintai.EINVALID {
				t.Fatalf("Parse error %v is not EINVALID", err)
			}
			return
		}
		if len(pf.Rows)+len(pf.Errors) == 0 {
			t.Errorf("Parse succeeded with no rows and no errors")
		}
		if !slices.IsSortedFunc(pf.Errors, func(a, b RowError) int { return a.Line - b.Line }) {
			t.Errorf("Errors not sorted by line: %v", pf.Errors)
		}
		prev := 0
		for _, r := range pf.Rows {
			if r.Line <= prev {
				t.Errorf("Row lines not increasing: %d after %d", r.Line, prev)
			}
			prev = r.Line
			if !kintai.IsKana(r.Kana) || r.StaffNo == "" || !r.EmploymentType.Valid() || r.AppointedOn.IsZero() {
				t.Errorf("invalid row accepted: %+v", r)
			}
		}
		for _, e := range pf.Errors {
			if e.Line < 1 || e.Message == "" || e.MessageEN == "" {
				t.Errorf("bad error %+v", e)
			}
		}
		all := func(string) bool { return true }
		none := func(string) bool { return false }
		if errs := pf.CheckRefs(Refs{OrgUnit: all, Site: all, Staff: all}); len(errs) != 0 {
			t.Errorf("CheckRefs with everything known = %v", errs)
		}
		pf.CheckRefs(Refs{OrgUnit: none, Site: none, Staff: none})
	})
}
