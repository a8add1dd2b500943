package payroll

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/leave"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		name string
		min  int64
		hf   HoursFormat
		want string
	}{
		{"hours zero", 0, Hours, "0.00"},
		{"hours whole", 480, Hours, "8.00"},
		{"hours half", 450, Hours, "7.50"},
		{"hours third rounds down", 440, Hours, "7.33"},
		{"hours two thirds rounds up", 460, Hours, "7.67"},
		{"hours one minute", 1, Hours, "0.02"},
		{"hours negative", -90, Hours, "-1.50"},
		{"hours large", 9000, Hours, "150.00"},
		{"h:mm", 440, HMM, "7:20"},
		{"h:mm zero", 0, HMM, "0:00"},
		{"h:mm over a day", 1505, HMM, "25:05"},
		{"h:mm negative", -30, HMM, "-0:30"},
		{"minutes", 440, Minutes, "440"},
		{"minutes negative", -5, Minutes, "-5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatDuration(tt.min, tt.hf); got != tt.want {
				t.Errorf("formatDuration(%d, %q) = %q, want %q", tt.min, tt.hf, got, tt.want)
			}
		})
	}
}

func TestColumnName(t *testing.T) {
	tests := []struct {
		i    int
		want string
	}{{0, "A"}, {25, "Z"}, {26, "AA"}, {51, "AZ"}, {52, "BA"}, {701, "ZZ"}, {702, "AAA"}}
	for _, tt := range tests {
		if got := columnName(tt.i); got != tt.want {
			t.Errorf("columnName(%d) = %q, want %q", tt.i, got, tt.want)
		}
	}
}

func TestDefaultLayout(t *testing.T) {
	l := DefaultLayout()
	if err := l.Validate(); err != nil {
		t.Fatalf("DefaultLayout().Validate() = %v", err)
	}
	var keys []string
	for _, c := range l.Columns {
		keys = append(keys, c.Key)
	}
	want := []string{"staff_no", "name", "org_name", "employment_type", "year_month", "days_worked", "worked",
		"cat:ot125:hours", "cat:ot125:amount", "cat:ot150_night:hours", "cat:ot150_night:amount",
		"cat:ot135:hours", "cat:ot135:amount", "cat:ot160:hours", "cat:ot160:amount",
		"cat:ot150_over60:hours", "cat:ot150_over60:amount", "cat:ot175_over60:hours", "cat:ot175_over60:amount",
		"cat:band100:hours", "cat:band100:amount", "cat:band125_night:hours", "cat:band125_night:amount",
		"cat:holiday135:hours", "cat:holiday135:amount", "cat:night25:hours", "cat:night25:amount",
		"night", "holiday_pay", "leave", "deduction", "late_early", "telework_days", "hourly_yen", "amount_yen"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("DefaultLayout() keys (-want +got):\n%s", diff)
	}
	if l.Columns[7].Header != "超過勤務(125) 時間" || l.Columns[8].Header != "超過勤務(125) 金額" {
		t.Errorf("DefaultLayout() ot125 headers = %q, %q", l.Columns[7].Header, l.Columns[8].Header)
	}
	if l.Encoding != UTF8BOM || l.HoursFormat != Hours {
		t.Errorf("DefaultLayout() encoding, hours = %q, %q, want %q, %q", l.Encoding, l.HoursFormat, UTF8BOM, Hours)
	}
}

func TestColumnsDistinct(t *testing.T) {
	keys := map[string]bool{}
	headers := map[string]bool{}
	for _, c := range Columns() {
		if keys[c.Key] || headers[c.Header] {
			t.Errorf("Columns() repeats key %q or header %q", c.Key, c.Header)
		}
		keys[c.Key], headers[c.Header] = true, true
	}
	if n := len(Columns()); n != 29+4*len(categoryCodes)+len(leave.Categories) {
		t.Errorf("len(Columns()) = %d, want %d", n, 29+4*len(categoryCodes)+len(leave.Categories))
	}
}

func TestParseLayout(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Layout
		wantErr string // part of the English message
		wantJa  string // part of the Japanese message
	}{
		{
			name: "text",
			in: "\ufeff# 給与システム A\n\nencoding = Shift_JIS\nhours_format = h:mm\n" +
				"staff_no = 職員コード\r\nname\n  cat:ot125:hours = 超勤125  \n",
			want: Layout{Encoding: ShiftJIS, HoursFormat: HMM, Columns: []Column{
				{"staff_no", "職員コード"}, {"name", "氏名"}, {"cat:ot125:hours", "超勤125"}}},
		},
		{
			name: "text defaults",
			in:   "staff_no\namount_yen = 支給額\n",
			want: Layout{Encoding: UTF8BOM, HoursFormat: Hours, Columns: []Column{
				{"staff_no", "職員番号"}, {"amount_yen", "支給額"}}},
		},
		{
			name: "json",
			in:   `{"encoding":"shift_jis","hours_format":"minutes","columns":[{"key":"staff_no","header":"番号"},{"key":"worked"}]}`,
			want: Layout{Encoding: ShiftJIS, HoursFormat: Minutes, Columns: []Column{
				{"staff_no", "番号"}, {"worked", "勤務時間"}}},
		},
		{
			name:    "text unknown key",
			in:      "staff_no\n\nsalary = 給料\n",
			wantErr: `line 3: unknown column key "salary"`,
			wantJa:  "3行目: 不明な項目キー「salary」です。",
		},
		{
			name:    "text duplicate header",
			in:      "staff_no = 番号\nname = 氏名\norg_code = 番号\n",
			wantErr: `line 3: header "番号" duplicates line 1`,
			wantJa:  "3行目: 見出し「番号」が1行目と重複しています。",
		},
		{
			name:    "text duplicate default header",
			in:      "name\nkana = 氏名\n",
			wantErr: `line 2: header "氏名" duplicates line 1`,
		},
		{
			name:    "text empty header",
			in:      "staff_no =\n",
			wantErr: `line 1: the header after "=" is empty`,
			wantJa:  "1行目",
		},
		{
			name:    "text bad encoding",
			in:      "encoding = euc-jp\nstaff_no\n",
			wantErr: `Unknown encoding "euc-jp"`,
			wantJa:  "文字コード「euc-jp」は使えません",
		},
		{
			name:    "text bad hours format",
			in:      "hours_format = hh:mm\nstaff_no\n",
			wantErr: `Unknown hours format "hh:mm"`,
		},
		{
			name:    "no columns",
			in:      "# nothing\nencoding = utf-8-bom\n",
			wantErr: "no columns",
			wantJa:  "列が1つもありません",
		},
		{
			name:    "json unknown key",
			in:      `{"columns":[{"key":"staff_no"},{"key":"cat:ot999:hours","header":"x"}]}`,
			wantErr: `column 2: unknown column key "cat:ot999:hours"`,
			wantJa:  "2列目: 不明な項目キー",
		},
		{
			name:    "json duplicate header",
			in:      `{"columns":[{"key":"staff_no","header":"A"},{"key":"name","header":"A"}]}`,
			wantErr: `column 2: header "A" duplicates column 1`,
		},
		{
			name:    "json unknown field",
			in:      `{"columns":[{"key":"staff_no"}],"charset":"sjis"}`,
			wantErr: "Cannot read the layout JSON",
			wantJa:  "レイアウトの JSON を読めません",
		},
		{
			name:    "json syntax",
			in:      `{"columns":[`,
			wantErr: "Cannot read the layout JSON",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLayout([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseLayout(%q) = %v, want error %q", tt.in, got, tt.wantErr)
				}
				if kintai.ErrorCode(err) != kintai.EINVALID {
					t.Errorf("ParseLayout(%q) error code = %q, want %q", tt.in, kintai.ErrorCode(err), kintai.EINVALID)
				}
				ja, en := kintai.ErrorMessages(err)
				if !strings.Contains(en, tt.wantErr) {
					t.Errorf("ParseLayout(%q) English error = %q, want it to contain %q", tt.in, en, tt.wantErr)
				}
				if !strings.Contains(ja, tt.wantJa) {
					t.Errorf("ParseLayout(%q) Japanese error = %q, want it to contain %q", tt.in, ja, tt.wantJa)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLayout(%q) error = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseLayout(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
