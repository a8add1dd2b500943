// Package staffcsv reads the 職員マスタ (staff master) CSV that HR exports
// from its personnel system. It only parses and validates: it does no I/O
// beyond reading the given reader and never touches the database. References
// to org units, sites and supervisors are checked later through CheckRefs,
// with lookups the caller supplies.
//
// The system never reads or stores 個人番号 (My Number): a file with such a
// column is rejected as a whole before any data row is read.
package staffcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"kintai"
)

// Limits of one import file. Larger files must be split.
const (
	MaxRows  = 50_000   // data rows, not counting the header and blank lines
	MaxBytes = 20 << 20 // 20 MiB, as uploaded
)

// Column names of the header row, in canonical order.
const (
	ColStaffNo           = "職員番号"
	ColName              = "氏名"
	ColKana              = "カナ"
	ColEmploymentType    = "雇用区分"
	ColAppointedOn       = "任用開始日"
	ColAppointmentEndsOn = "任用終了日"
	ColOrgUnitCode       = "所属コード"
	ColSiteCodes         = "拠点コード"
	ColSupervisorNo      = "上司職員番号"
	ColEmail             = "メールアドレス"
)

// column describes one known column. The index into columns is its position
// in the canonical header and orders errors within a line.
type column struct {
	name     string
	en       string
	required bool
}

const (
	cStaffNo = iota
	cName
	cKana
	cEmploymentType
	cAppointedOn
	cAppointmentEndsOn
	cOrgUnitCode
	cSiteCodes
	cSupervisorNo
	cEmail
	numColumns
)

var columns = [numColumns]column{
	cStaffNo:           {ColStaffNo, "staff number", true},
	cName:              {ColName, "name", true},
	cKana:              {ColKana, "kana", true},
	cEmploymentType:    {ColEmploymentType, "employment type", true},
	cAppointedOn:       {ColAppointedOn, "appointment start date", true},
	cAppointmentEndsOn: {ColAppointmentEndsOn, "appointment end date", false},
	cOrgUnitCode:       {ColOrgUnitCode, "org unit code", true},
	cSiteCodes:         {ColSiteCodes, "site codes", false},
	cSupervisorNo:      {ColSupervisorNo, "supervisor's staff number", false},
	cEmail:             {ColEmail, "email address", false},
}

// Header returns the canonical header row.
func Header() []string {
	h := make([]string, numColumns)
	for i, c := range columns {
		h[i] = c.name
	}
	return h
}

// Template returns a CSV file body for the download link on the import page:
// UTF-8 with a BOM (so that Excel opens it as UTF-8), CRLF line endings, the
// header and one example row.
func Template() []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write(Header())
	w.Write([]string{"S0002", "山田 花子", "ヤマダ ハナコ", kintai.FiscalPart.Label(), "2025-04-01", "2026-03-31", "SOUMU-01", "HONCHO;SHISHO-1", "S0001", "hanako.yamada@example.lg.jp"})
	w.Flush() // writing to a bytes.Buffer cannot fail
	return b.Bytes()
}

// Row is one valid data row.
type Row struct {
	Line                           int // physical line number in the file (the header is normally line 1)
	StaffNo, Name                  string
	Kana                           string // full-width katakana, spaces included
	EmploymentType                 kintai.EmploymentType
	AppointedOn, AppointmentEndsOn kintai.Date // AppointmentEndsOn is zero when there is no fixed term
	OrgUnitCode                    string
	SiteCodes                      []string // nil when none
	SupervisorNo                   string   // "" when none
	Email                          string   // "" when none
}

// RowError is a problem with one row, or with one cell of it.
type RowError struct {
	Line      int    `json:"line"`       // physical line number; for a cell spanning lines, its record's first line
	Column    string `json:"column"`     // Japanese column name, or "" for the whole row
	Message   string `json:"message"`    // Japanese
	MessageEN string `json:"message_en"` // English
}

// Error returns the Japanese message with its line and column, such as
// "3行目 任用開始日: 日付の形式が正しくありません（例: 2025-04-01）".
func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%d行目: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("%d行目 %s: %s", e.Line, e.Column, e.Message)
}

// ErrorEN is Error in English.
func (e RowError) ErrorEN() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.MessageEN)
	}
	en := e.Column
	if i := columnIndex(e.Column); i >= 0 {
		en = columns[i].en + " (" + e.Column + ")"
	}
	return fmt.Sprintf("line %d, %s: %s", e.Line, en, e.MessageEN)
}

func columnIndex(name string) int {
	for i, c := range columns {
		if c.name == name {
			return i
		}
	}
	return -1
}

// sortErrors orders errs by line, then by canonical column order, keeping
// the order of discovery otherwise.
func sortErrors(errs []RowError) {
	slices.SortStableFunc(errs, func(a, b RowError) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return columnIndex(a.Column) - columnIndex(b.Column)
	})
}

// File is a parsed import file.
type File struct {
	Encoding Encoding // as detected (or as given)
	// Rows holds the rows that passed every check of their own, in file
	// order. A row with any error is left out and named in Errors instead.
	Rows []Row
	// Errors holds every row problem, sorted by line. Import only when OK.
	Errors []RowError

	// staffNos maps every well-formed staff number in the file, including
	// those of rows with other errors, to its first line. CheckRefs accepts
	// them as supervisors so that one bad row does not cascade.
	staffNos map[string]int
}

// OK reports whether the file has no row errors.
func (f *File) OK() bool { return len(f.Errors) == 0 }

// fileError returns the EINVALID error for a problem with the whole file.
func fileError(ja, en string) *kintai.Error {
	e := kintai.Errorf(kintai.EINVALID, ja, en)
	e.Field = "file"
	return e
}

// Parse reads a staff master CSV. It returns an error, a *kintai.Error with
// code kintai.EINVALID, only when the file as a whole cannot be used: bad
// encoding, a bad header, a My Number or password column, or a file over
// the limits. Problems with rows are collected in File.Errors, all of them.
// An error reading r is returned as is.
func Parse(r io.Reader, enc Encoding) (*File, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("staffcsv: read: %w", err)
	}
	if len(raw) > MaxBytes {
		return nil, fileError(
			fmt.Sprintf("ファイルが大きすぎます（上限 %d MiB）。ファイルを分割してください。", MaxBytes>>20),
			fmt.Sprintf("The file is too large (limit %d MiB). Split it into smaller files.", MaxBytes>>20))
	}
	text, detected, err := decode(raw, enc)
	if err != nil {
		return nil, err
	}
	// encoding/csv drops the CR of CRLF but would keep a lone CR (old Mac
	// files) inside a cell; make every line end in LF so that line numbers
	// match what a text editor shows.
	if bytes.IndexByte(text, '\r') >= 0 {
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
		text = bytes.ReplaceAll(text, []byte("\r"), []byte("\n"))
	}

	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1 // checked per row, with a clearer message
	cr.TrimLeadingSpace = true

	h, err := readHeader(cr)
	if err != nil {
		// The file may hold 個人番号; do not keep its bytes around longer
		// than needed.
		clear(raw)
		clear(text)
		return nil, err
	}

	f := &File{Encoding: detected, staffNos: make(map[string]int)}
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			n++
			if n > MaxRows {
				return nil, tooManyRows()
			}
			f.Errors = append(f.Errors, RowError{
				Line:      pe.StartLine,
				Message:   "CSVの形式が正しくありません。引用符（\"）の対応を確認してください。",
				MessageEN: "Malformed CSV: " + pe.Err.Error() + ". Check the quotes (\").",
			})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("staffcsv: %w", err)
		}
		trimCells(rec)
		if blank(rec) {
			continue
		}
		n++
		if n > MaxRows {
			return nil, tooManyRows()
		}
		line, _ := cr.FieldPos(0)
		row, errs := h.parseRow(line, rec)
		if row.StaffNo != "" {
			if first, dup := f.staffNos[row.StaffNo]; dup {
				errs = append(errs, RowError{
					Line:      line,
					Column:    ColStaffNo,
					Message:   fmt.Sprintf("職員番号「%s」が%d行目と重複しています。", row.StaffNo, first),
					MessageEN: fmt.Sprintf("Staff number %q is also on line %d.", row.StaffNo, first),
				})
			} else {
				f.staffNos[row.StaffNo] = line
			}
		}
		if len(errs) > 0 {
			f.Errors = append(f.Errors, errs...)
			continue
		}
		f.Rows = append(f.Rows, row)
	}
	if n == 0 {
		return nil, fileError("データ行がありません。見出し行の次の行から職員を1行に1人ずつ入力してください。",
			"The file has no data rows. Put one staff member per line below the header.")
	}
	sortErrors(f.Errors)
	return f, nil
}

func tooManyRows() error {
	return fileError(
		fmt.Sprintf("データ行が多すぎます（上限 %d 行）。ファイルを分割してください。", MaxRows),
		fmt.Sprintf("Too many data rows (limit %d). Split the file.", MaxRows))
}

// trimCells trims surrounding white space, including the full-width space
// U+3000, zero-width spaces and stray BOMs, from every cell.
func trimCells(rec []string) {
	for i, s := range rec {
		rec[i] = strings.TrimFunc(s, isTrimmed)
	}
}

func blank(rec []string) bool {
	for _, s := range rec {
		if s != "" {
			return false
		}
	}
	return true
}
