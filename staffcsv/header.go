package staffcsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// header maps each known column to its index in a record, -1 when absent.
type header struct {
	idx [numColumns]int
	// unnamed lists the indexes of columns with an empty header cell (Excel
	// often leaves a trailing comma); their cells must be empty.
	unnamed []int
	width   int // cells in the header
	need    int // cells a row needs: up to the last named column
}

// readHeader reads the first non-blank record as the header.
func readHeader(cr *csv.Reader) (*header, error) {
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil, fileError("ファイルが空です。", "The file is empty.")
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			return nil, fileError(
				fmt.Sprintf("%d行目（見出し行）のCSVの形式が正しくありません。引用符（\"）の対応を確認してください。", pe.StartLine),
				fmt.Sprintf("Malformed CSV header on line %d: %v.", pe.StartLine, pe.Err))
		}
		if err != nil {
			return nil, fmt.Errorf("staffcsv: %w", err)
		}
		trimCells(rec)
		if blank(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		return parseHeader(line, rec)
	}
}

// myNumberMarks are what a normalised header holding 個人番号 (My Number)
// contains. Such files are refused whole: the system must never read or
// store My Numbers, so it does not even look at the values.
var myNumberMarks = []string{"個人番号", "マイナンバー", "mynum", "individualnumber"}

// passwordMarks are what a normalised password column name contains.
// Passwords are never imported: each person sets their own.
var passwordMarks = []string{"パスワード", "password", "passwd", "暗証番号"}

func parseHeader(line int, rec []string) (*header, error) {
	for _, name := range rec {
		n := normHeader(name)
		for _, m := range myNumberMarks {
			if strings.Contains(n, m) {
				return nil, fileError(
					fmt.Sprintf("個人番号（マイナンバー）の列「%s」があるため、ファイル全体を取り込みませんでした。本システムは個人番号を読み込まず、保存もしません。この列を削除してから取り込み直してください。", clip(name)),
					fmt.Sprintf("The file was rejected because column %q looks like a My Number (個人番号) column. This system never reads or stores My Numbers. Remove the column and import again.", clip(name)))
			}
		}
	}
	for _, name := range rec {
		n := normHeader(name)
		for _, m := range passwordMarks {
			if strings.Contains(n, m) {
				return nil, fileError(
					fmt.Sprintf("パスワードの列「%s」は取り込めません。この列を削除してから取り込み直してください。", clip(name)),
					fmt.Sprintf("Column %q cannot be imported: passwords are never imported. Remove the column and import again.", clip(name)))
			}
		}
	}

	h := &header{width: len(rec)}
	for i := range h.idx {
		h.idx[i] = -1
	}
	var unknown, dup []string
	for i, name := range rec {
		if name == "" {
			h.unnamed = append(h.unnamed, i)
			continue
		}
		c := lookupColumn(name)
		switch {
		case c < 0:
			unknown = append(unknown, "「"+clip(name)+"」")
		case h.idx[c] >= 0:
			dup = append(dup, columns[c].name)
		default:
			h.idx[c] = i
			h.need = i + 1
		}
	}
	var missing []string
	known := 0
	for c, col := range columns {
		if h.idx[c] >= 0 {
			known++
		} else if col.required {
			missing = append(missing, col.name)
		}
	}
	all := strings.Join(Header(), ",")
	if known == 0 {
		return nil, fileError(
			fmt.Sprintf("%d行目に見出し行がありません。1行目に列名（%s）を入れてください。", line, all),
			fmt.Sprintf("No header row on line %d. Put the column names (%s) on the first line.", line, all))
	}
	var ja, en []string
	if len(unknown) > 0 {
		ja = append(ja, fmt.Sprintf("不明な列があります: %s。", strings.Join(unknown, "、")))
		en = append(en, fmt.Sprintf("Unknown columns: %s.", strings.Join(unknown, ", ")))
	}
	if len(dup) > 0 {
		ja = append(ja, fmt.Sprintf("同じ列が2回以上あります: %s。", strings.Join(dup, "、")))
		en = append(en, fmt.Sprintf("Repeated columns: %s.", strings.Join(dup, ", ")))
	}
	if len(missing) > 0 {
		ja = append(ja, fmt.Sprintf("必須の列がありません: %s。", strings.Join(missing, "、")))
		en = append(en, fmt.Sprintf("Missing required columns: %s.", strings.Join(missing, ", ")))
	}
	if len(ja) > 0 {
		ja = append(ja, fmt.Sprintf("使える列は %s です（順序は自由、任用終了日・拠点コード・上司職員番号・メールアドレスは省略可）。", all))
		en = append(en, fmt.Sprintf("The columns are %s, in any order; 任用終了日, 拠点コード, 上司職員番号 and メールアドレス may be left out.", all))
		return nil, fileError(
			fmt.Sprintf("%d行目（見出し行）: %s", line, strings.Join(ja, "")),
			fmt.Sprintf("Header on line %d: %s", line, strings.Join(en, " ")))
	}
	return h, nil
}

// lookupColumn returns the index of the known column called name, -1 if none.
func lookupColumn(name string) int {
	n := normHeader(name)
	for i, c := range columns {
		if normHeader(c.name) == n {
			return i
		}
	}
	return -1
}

// normHeader reduces a header cell to a form that ignores width, case,
// hiragana versus katakana, spaces and punctuation, so that "ｶﾅ", "かな" and
// "カナ" match, and "My_Number" matches "mynumber".
func normHeader(s string) string {
	s = foldKana(width.Fold.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("_-.・･", r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// clip shortens s for quoting in a message.
func clip(s string) string {
	const max = 30
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "…"
}
