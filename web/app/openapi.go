package app

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 document of the JSON API. It is written by
// hand; a test holds it to the route table, so a route cannot be added,
// removed or given other access without the document following.
//
//go:embed openapi.json
var openAPIDoc []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// The document changes only with the binary.
	h.Set("Cache-Control", "no-cache")
	_, err := w.Write(openAPIDoc)
	return err
}
