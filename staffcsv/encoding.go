package staffcsv

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// Encoding names the character encoding of an import file.
type Encoding string

// Encodings. Shift_JIS here is Microsoft's CP932 (Windows-31J), which is
// what Excel and most Japanese personnel systems write.
const (
	Auto     Encoding = "auto"
	UTF8     Encoding = "utf-8"
	ShiftJIS Encoding = "shift_jis"
)

var utf8BOM = []byte("\xef\xbb\xbf")

// canonical returns the Encoding named by e, accepting common aliases and
// "" for Auto.
func (e Encoding) canonical() (Encoding, bool) {
	switch strings.ToLower(strings.TrimSpace(string(e))) {
	case "", "auto":
		return Auto, true
	case "utf-8", "utf8":
		return UTF8, true
	case "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j":
		return ShiftJIS, true
	}
	return "", false
}

// decode returns raw as UTF-8 without a BOM, and the encoding it was read
// as. With Auto, a BOM or valid UTF-8 means UTF-8 and anything else is tried
// as Shift_JIS.
func decode(raw []byte, enc Encoding) ([]byte, Encoding, error) {
	enc, ok := enc.canonical()
	if !ok {
		return nil, "", fileError("文字コードの指定が正しくありません（auto、utf-8、shift_jis のいずれか）。",
			"Unknown encoding: use auto, utf-8 or shift_jis.")
	}
	if enc == Auto && (bytes.HasPrefix(raw, []byte{0xff, 0xfe}) || bytes.HasPrefix(raw, []byte{0xfe, 0xff})) {
		return nil, "", fileError("UTF-16 のファイルは読み込めません。Excel では「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」で保存してください。",
			"UTF-16 files cannot be read. In Excel, save as \"CSV UTF-8 (Comma delimited)\" or \"CSV (Comma delimited)\".")
	}
	if enc == Auto || enc == UTF8 {
		b := bytes.TrimPrefix(raw, utf8BOM)
		if utf8.Valid(b) {
			return b, UTF8, nil
		}
		if enc == UTF8 {
			return nil, "", fileError("UTF-8 として読めない文字が含まれています。文字コードを確認してください（Shift_JIS のファイルなら shift_jis を選んでください）。",
				"The file is not valid UTF-8. Check its encoding (choose shift_jis for a Shift_JIS file).")
		}
	}
	b, err := japanese.ShiftJIS.NewDecoder().Bytes(raw)
	// The decoder replaces bytes it cannot map with U+FFFD, which Shift_JIS
	// itself cannot encode; seeing one means the file is not Shift_JIS.
	if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
		if enc == ShiftJIS {
			return nil, "", fileError("Shift_JIS として読めない文字が含まれています。文字コードを確認してください。",
				"The file is not valid Shift_JIS. Check its encoding.")
		}
		return nil, "", fileError("文字コードを判別できません。UTF-8 または Shift_JIS の CSV として保存してください。",
			"Cannot tell the file's encoding. Save it as a UTF-8 or Shift_JIS CSV file.")
	}
	return b, ShiftJIS, nil
}
