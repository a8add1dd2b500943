package app

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"net/http"

	"kintai"
	"kintai/staffcsv"
	"kintai/store"
	"kintai/web"
)

// maxImport is the largest staff CSV accepted over HTTP.
const maxImport = 20 << 20

// importStaff parses and checks a staff CSV for the requesting HR officer,
// applying it when apply is set and every row is good.
func (a *App) importStaff(r *http.Request, body []byte, enc staffcsv.Encoding, apply bool) (store.ImportResult, error) {
	f, err := staffcsv.Parse(bytes.NewReader(body), enc)
	if err != nil {
		return store.ImportResult{}, err
	}
	actor := actorFrom(r)
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return store.ImportResult{}, err
	}
	inScope := func(unit int64) bool { return actor.Can(kintai.RoleHR, unit, tree) }
	return a.db.ImportStaff(r.Context(), actor, f, inScope, apply)
}

func parseEncoding(s string) (staffcsv.Encoding, error) {
	switch staffcsv.Encoding(s) {
	case "", "auto":
		return "auto", nil
	case "utf-8", "shift_jis":
		return staffcsv.Encoding(s), nil
	}
	return "", kintai.Invalid("encoding", "文字コードは auto, utf-8, shift_jis のいずれかです。", "encoding must be auto, utf-8 or shift_jis.")
}

func (a *App) apiImportStaff(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	enc, err := parseEncoding(q.Get("encoding"))
	if err != nil {
		return err
	}
	apply := false
	switch q.Get("dry_run") {
	case "", "true", "1":
	case "false", "0":
		apply = true
	default:
		return kintai.Invalid("dry_run", "dry_run は true か false です。", "dry_run must be true or false.")
	}
	body, err := readUpload(w, r)
	if err != nil {
		return err
	}
	res, err := a.importStaff(r, body, enc, apply)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !res.OK() {
		status = http.StatusUnprocessableEntity
	}
	web.WriteJSON(w, status, res)
	return nil
}

// readUpload reads a CSV sent as the request body or as the multipart field "file".
func readUpload(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImport+1<<20)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src io.Reader = r.Body
	if mt == "multipart/form-data" {
		f, _, err := r.FormFile("file")
		if err != nil {
			return nil, kintai.Invalid("file", "CSVファイルを選択してください。", "Choose a CSV file.")
		}
		defer f.Close()
		src = f
	}
	body, err := io.ReadAll(io.LimitReader(src, maxImport+1))
	if err != nil {
		return nil, kintai.Invalid("file", "ファイルを読み取れません（20MBまで）。", "Cannot read the file (20 MB at most).")
	}
	if len(body) > maxImport {
		return nil, kintai.Invalid("file", "ファイルが大きすぎます（20MBまで）。", "File too large (20 MB at most).")
	}
	if len(body) == 0 {
		return nil, kintai.Invalid("file", "ファイルが空です。", "The file is empty.")
	}
	return body, nil
}

// importView is the import page's state.
type importView struct {
	Encoding string
	Result   *store.ImportResult
	// Content carries the previewed file to the apply step, so the HR
	// officer does not choose it again; it is checked again in full.
	Content string
	err     error
}

func (v importView) formErr() error { return v.err }

func (a *App) pageImport(w http.ResponseWriter, r *http.Request) error {
	return a.pages.render(w, r, http.StatusOK, "import", "職員CSV取込", importView{Encoding: "auto"})
}

func (a *App) pageImportPost(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxImport)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		return kintai.Invalid("file", "ファイルを読み取れません（20MBまで）。", "Cannot read the upload (20 MB at most).")
	}
	v := importView{Encoding: r.PostFormValue("encoding")}
	enc, err := parseEncoding(v.Encoding)
	if err != nil {
		v.err = err
		return a.pages.render(w, r, http.StatusBadRequest, "import", "職員CSV取込", v)
	}
	var body []byte
	if c := r.PostFormValue("content"); c != "" {
		body, err = base64.StdEncoding.DecodeString(c)
	} else {
		body, err = readUpload(w, r)
	}
	if err != nil {
		v.err = err
		return a.pages.render(w, r, http.StatusBadRequest, "import", "職員CSV取込", v)
	}
	apply := r.PostFormValue("action") == "apply"
	res, err := a.importStaff(r, body, enc, apply)
	if kintai.ErrorCode(err) == kintai.EINVALID {
		v.err = err
		return a.pages.render(w, r, http.StatusBadRequest, "import", "職員CSV取込", v)
	}
	if err != nil {
		return err
	}
	v.Result = &res
	if res.OK() && !res.Applied {
		v.Content = base64.StdEncoding.EncodeToString(body)
	}
	status := http.StatusOK
	if !res.OK() {
		status = http.StatusUnprocessableEntity
	}
	return a.pages.render(w, r, status, "import", "職員CSV取込", v)
}

func (a *App) pageImportTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="staff_template.csv"`)
	_, err := w.Write(staffcsv.Template())
	return err
}
