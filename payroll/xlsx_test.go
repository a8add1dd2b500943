package payroll

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/testdep"
)

func writeXLSX(t *testing.T, l Layout, rows []Row) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteXLSX(&b, l, rows); err != nil {
		t.Fatalf("WriteXLSX() error = %v", err)
	}
	return b.Bytes()
}

// xlsxParts unzips b into its parts.
func xlsxParts(t *testing.T, b []byte) (names []string, parts map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("WriteXLSX() output is not a zip file: %v", err)
	}
	parts = map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("reading %s: %v", f.Name, err)
		}
		names = append(names, f.Name)
		parts[f.Name] = body
	}
	return names, parts
}

func TestWriteXLSXGolden(t *testing.T) {
	rows := sampleRows(t)
	got := writeXLSX(t, DefaultLayout(), rows)
	names, parts := xlsxParts(t, got)
	wantNames := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
		"xl/styles.xml", "xl/worksheets/sheet1.xml"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("WriteXLSX() parts (-want +got):\n%s", diff)
	}
	for _, name := range names {
		dec := xml.NewDecoder(bytes.NewReader(parts[name]))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", name, err)
			}
		}
	}
	if !bytes.Contains(parts["xl/workbook.xml"], []byte(`<sheet name="給与連携 2026-10" sheetId="1" r:id="rId1"/>`)) {
		t.Errorf("workbook.xml = %s, want the sheet 給与連携 2026-10", parts["xl/workbook.xml"])
	}
	golden(t, "default_sheet1.xml", parts["xl/worksheets/sheet1.xml"])
	golden(t, "default.xlsx", got)

	if again := writeXLSX(t, DefaultLayout(), rows); !bytes.Equal(got, again) {
		t.Errorf("WriteXLSX() twice gave different bytes")
	}
}

// sheetCells reads the cells of sheet1.xml: reference → (type, style, value).
func sheetCells(t *testing.T, sheet []byte) map[string][3]string {
	t.Helper()
	var ws struct {
		Rows []struct {
			Cells []struct {
				R  string `xml:"r,attr"`
				T  string `xml:"t,attr"`
				S  string `xml:"s,attr"`
				V  string `xml:"v"`
				T2 string `xml:"is>t"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal(sheet, &ws); err != nil {
		t.Fatalf("sheet1.xml: %v", err)
	}
	cells := map[string][3]string{}
	for _, r := range ws.Rows {
		for _, c := range r.Cells {
			cells[c.R] = [3]string{c.T, c.S, c.V + c.T2}
		}
	}
	return cells
}

func TestWriteXLSXCells(t *testing.T) {
	rows := sampleRows(t)
	cols := []Column{{"staff_no", "番号"}, {"name", "氏名"}, {"worked", "勤務"}, {"amount_yen", "合計"}, {"kana", "カナ"}}
	tests := []struct {
		hf   HoursFormat
		want map[string][3]string
	}{
		{Hours, map[string][3]string{
			"A1": {"inlineStr", "1", "番号"}, "E1": {"inlineStr", "1", "カナ"},
			"A2": {"inlineStr", "", "00123"}, "B3": {"inlineStr", "", `髙橋, "花子"`},
			"C2": {"", "3", "169.50"}, "D2": {"", "", "55428"}, "E2": {"inlineStr", "", "ヤマダ タロウ"},
		}},
		{HMM, map[string][3]string{"C2": {"", "2", "7.0625"}}}, // 169:30 is 7.0625 days
		{Minutes, map[string][3]string{"C2": {"", "", "10170"}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.hf), func(t *testing.T) {
			_, parts := xlsxParts(t, writeXLSX(t, Layout{Columns: cols, HoursFormat: tt.hf}, rows))
			cells := sheetCells(t, parts["xl/worksheets/sheet1.xml"])
			for ref, want := range tt.want {
				if got := cells[ref]; got != want {
					t.Errorf("WriteXLSX(%q) cell %s = %q, want %q", tt.hf, ref, got, want)
				}
			}
			// 鈴木 has no kana: the empty cell is left out.
			if c, ok := cells["E4"]; ok {
				t.Errorf("WriteXLSX(%q) cell E4 = %q, want no cell", tt.hf, c)
			}
		})
	}
}

func TestWriteXLSXInvalidLayout(t *testing.T) {
	var b bytes.Buffer
	err := WriteXLSX(&b, Layout{Columns: []Column{{"name", "x"}, {"kana", "x"}}}, nil)
	if kintai.ErrorCode(err) != kintai.EINVALID || b.Len() != 0 {
		t.Errorf("WriteXLSX(duplicate header) = %v and %d bytes, want an invalid error and nothing", err, b.Len())
	}
}

// TestWriteXLSXLibreOffice proves the workbook opens: headless LibreOffice
// converts it to CSV, which must hold the same cells as our own CSV.
func TestWriteXLSXLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		testdep.SkipOrFail(t, "LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui")
	}
	rows := sampleRows(t)
	dir := t.TempDir()
	hmm := sjisLayout(t)
	hmm.Encoding = UTF8BOM
	layouts := map[string]Layout{"default": DefaultLayout(), "hmm": hmm}
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		// 44,34,76: comma, double quote, UTF-8.
		"--headless", "--norestore", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
		"--outdir", filepath.Join(dir, "out")}
	for name, l := range layouts {
		in := filepath.Join(dir, name+".xlsx")
		if err := os.WriteFile(in, writeXLSX(t, l, rows), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, in)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	converted := map[string][][]string{}
	for name, l := range layouts {
		b, err := os.ReadFile(filepath.Join(dir, "out", name+".csv"))
		if err != nil {
			t.Fatalf("soffice wrote no CSV for %s: %v\n%s", name, err, out)
		}
		got, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("reading LibreOffice's CSV of %s: %v\n%s", name, err, b)
		}
		var mine bytes.Buffer
		if err := WriteCSV(&mine, l, rows); err != nil {
			t.Fatal(err)
		}
		want, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(mine.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("LibreOffice's CSV of the %s workbook differs from WriteCSV (-want +got):\n%s", name, diff)
		}
		converted[name] = got
	}
	// Spot checks, in case both writers went wrong the same way.
	for _, c := range []struct{ layout, cell string }{
		{"default", "00123"}, {"default", "00456"}, {"default", "山田 太郎"}, {"default", `髙橋, "花子"`},
		{"default", "55428"}, {"default", "169.50"}, {"hmm", "169:30"}, {"hmm", "13:40"},
	} {
		if !slices.ContainsFunc(converted[c.layout], func(r []string) bool { return slices.Contains(r, c.cell) }) {
			t.Errorf("LibreOffice's CSV of the %s workbook has no cell %q: %q", c.layout, c.cell, converted[c.layout])
		}
	}
}
