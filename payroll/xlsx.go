package payroll

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"
)

// zipTime is the modification time of every part of a workbook, so that
// the same rows always give the same bytes.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Cell style indexes of styles.xml (cellXfs).
const (
	styleDefault = 0
	styleHeader  = 1 // bold on grey
	styleHMM     = 2 // [h]:mm
	styleHours   = 3 // 0.00
)

const xlsxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`</Types>`

const xlsxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const xlsxWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

const xlsxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFD9D9D9"/><bgColor indexed="64"/></patternFill></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="4">` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`</cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// WriteXLSX writes rows as an Office Open XML workbook in layout l: one
// sheet named by SheetName, a bold header row that stays in view, text as
// inline strings and figures as numbers (durations per l.HoursFormat:
// decimal hours formatted 0.00, minutes, or days formatted [h]:mm). The
// encoding of l applies to CSV only. The output is deterministic: the same
// layout and rows give the same bytes.
func WriteXLSX(w io.Writer, l Layout, rows []Row) error {
	if err := l.Validate(); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	parts := []struct {
		name string
		body func(io.Writer) error
	}{
		{"[Content_Types].xml", constPart(xlsxContentTypes)},
		{"_rels/.rels", constPart(xlsxRels)},
		{"xl/workbook.xml", func(w io.Writer) error { return writeWorkbook(w, SheetName(rows)) }},
		{"xl/_rels/workbook.xml.rels", constPart(xlsxWorkbookRels)},
		{"xl/styles.xml", constPart(xlsxStyles)},
		{"xl/worksheets/sheet1.xml", func(w io.Writer) error { return writeSheet(w, l, rows) }},
	}
	for _, p := range parts {
		pw, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		if err := p.body(pw); err != nil {
			return err
		}
	}
	return zw.Close()
}

func constPart(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func writeWorkbook(w io.Writer, sheet string) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	bw.WriteString(`<sheets><sheet name="`)
	xml.EscapeText(bw, []byte(sheet))
	bw.WriteString(`" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	return bw.Flush()
}

// writeSheet writes xl/worksheets/sheet1.xml.
func writeSheet(w io.Writer, l Layout, rows []Row) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cols := make([]string, len(l.Columns)) // column letters
	for i := range cols {
		cols[i] = columnName(i)
	}
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	bw.WriteString(`<dimension ref="A1:` + cols[len(cols)-1] + strconv.Itoa(len(rows)+1) + `"/>`)
	bw.WriteString(`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`)
	bw.WriteString(`<sheetFormatPr defaultRowHeight="15"/>`)
	bw.WriteString(`<cols><col min="1" max="` + strconv.Itoa(len(cols)) + `" width="14" customWidth="1"/></cols>`)
	bw.WriteString("<sheetData>\n")

	bw.WriteString(`<row r="1">`)
	for i, c := range l.Columns {
		writeString(bw, cols[i]+"1", styleHeader, c.Header)
	}
	bw.WriteString("</row>\n")

	fs := layoutFields(l)
	var num []byte
	for i := range rows {
		r := strconv.Itoa(i + 2)
		bw.WriteString(`<row r="` + r + `">`)
		for j, f := range fs {
			v := f.value(&rows[i])
			ref := cols[j] + r
			if v.kind == cellText {
				if v.text != "" {
					writeString(bw, ref, styleDefault, v.text)
				}
				continue
			}
			style := styleDefault
			num = num[:0]
			switch {
			case v.kind == cellNumber || l.HoursFormat == Minutes:
				num = strconv.AppendInt(num, v.n, 10)
			case l.HoursFormat == HMM:
				style = styleHMM
				num = strconv.AppendFloat(num, float64(v.n)/1440, 'g', -1, 64)
			default:
				style = styleHours
				num = append(num, formatDuration(v.n, Hours)...)
			}
			bw.WriteString(`<c r="` + ref + `"`)
			if style != styleDefault {
				bw.WriteString(` s="` + strconv.Itoa(style) + `"`)
			}
			bw.WriteString(`><v>`)
			bw.Write(num)
			bw.WriteString(`</v></c>`)
		}
		// A line per row keeps golden-file diffs readable.
		bw.WriteString("</row>\n")
	}
	bw.WriteString(`</sheetData></worksheet>`)
	return bw.Flush()
}

// writeString writes an inline-string cell.
func writeString(bw *bufio.Writer, ref string, style int, s string) {
	bw.WriteString(`<c r="` + ref + `"`)
	if style != styleDefault {
		bw.WriteString(` s="` + strconv.Itoa(style) + `"`)
	}
	bw.WriteString(` t="inlineStr"><is><t`)
	if strings.TrimSpace(s) != s {
		bw.WriteString(` xml:space="preserve"`)
	}
	bw.WriteString(`>`)
	xml.EscapeText(bw, []byte(s))
	bw.WriteString(`</t></is></c>`)
}

// columnName returns the spreadsheet name of the i-th column (0 → A,
// 26 → AA).
func columnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
