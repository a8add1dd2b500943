package app

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/approval"
	"kintai/leave"
	"kintai/punch"
	"kintai/staffcsv"
	"kintai/store"
	"kintai/store/storetest"
	"kintai/web"
)

// openAPIApp returns an app on a fresh SQLite database.
func openAPIApp(t *testing.T) *App {
	t.Helper()
	a, err := New(Config{DB: storetest.Open(t, store.SQLite, time.Now), Loc: time.UTC, Now: time.Now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(a.Close) // before the database closes
	return a
}

// openAPIDocument returns the embedded document, decoded.
func openAPIDocument(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf("openapi = %q, want 3.1.x", v)
	}
	return doc
}

var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// openAPIOperation is one operation of the document.
type openAPIOperation struct {
	method, path string
	op           map[string]any
	pathItem     map[string]any
}

func (o openAPIOperation) key() string { return o.method + " " + o.path }

func openAPIOperations(t *testing.T, doc map[string]any) []openAPIOperation {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("document has no paths object")
	}
	var ops []openAPIOperation
	for path, item := range paths {
		item, ok := item.(map[string]any)
		if !ok {
			t.Errorf("path %s is not an object", path)
			continue
		}
		for _, m := range openAPIMethods {
			if op, ok := item[m].(map[string]any); ok {
				ops = append(ops, openAPIOperation{method: strings.ToUpper(m), path: path, op: op, pathItem: item})
			}
		}
	}
	return ops
}

// resolve follows v's $ref, if it has one, within doc.
func resolve(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	for range 10 {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		target, err := jsonPointer(doc, ref)
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			return nil
		}
		v = target
	}
	t.Errorf("$ref chain too long at %v", v)
	return nil
}

// jsonPointer looks up a local reference such as #/components/schemas/Staff.
func jsonPointer(doc any, ref string) (any, error) {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, &refError{ref, "only local references (#/…) are used"}
	}
	v := doc
	for _, tok := range strings.Split(p, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &refError{ref, "does not resolve"}
		}
		if v, ok = m[tok]; !ok {
			return nil, &refError{ref, "does not resolve"}
		}
	}
	return v, nil
}

type refError struct{ ref, why string }

func (e *refError) Error() string { return e.ref + " " + e.why }

// TestOpenAPIMatchesRoutes holds the document to the route table: the same
// operations, each with the route's access, summary and path parameters.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := openAPIDocument(t)
	routes := map[string]web.Route{}
	for _, rt := range openAPIApp(t).Routes() {
		if rt.API() {
			routes[rt.Method+" "+rt.Pattern] = rt
		}
	}
	ops := openAPIOperations(t, doc)
	documented := map[string]bool{}
	for _, o := range ops {
		documented[o.key()] = true
	}
	var missingInDoc, missingInRoutes []string
	for k := range routes {
		if !documented[k] {
			missingInDoc = append(missingInDoc, k)
		}
	}
	for k := range documented {
		if _, ok := routes[k]; !ok {
			missingInRoutes = append(missingInRoutes, k)
		}
	}
	sort.Strings(missingInDoc)
	sort.Strings(missingInRoutes)
	for _, k := range missingInDoc {
		t.Errorf("route %s is missing from openapi.json", k)
	}
	for _, k := range missingInRoutes {
		t.Errorf("openapi.json documents %s, which is not in the route table", k)
	}

	opIDs := map[string]string{}
	for _, o := range ops {
		rt, ok := routes[o.key()]
		if !ok {
			continue
		}
		t.Run(o.key(), func(t *testing.T) {
			if got, _ := o.op["x-kintai-access"].(string); got != string(rt.Access) {
				t.Errorf("x-kintai-access = %q, want %q (the route's access)", got, rt.Access)
			}
			summary, _ := o.op["summary"].(string)
			if summary == "" {
				t.Error("summary is empty")
			} else if summary != rt.Summary {
				t.Errorf("summary = %q, want the route table's %q", summary, rt.Summary)
			}
			if desc, _ := o.op["description"].(string); !hasJapanese(strings.SplitN(desc, "\n", 2)[0]) {
				t.Errorf("description %q does not start with a Japanese line", desc)
			}
			id, _ := o.op["operationId"].(string)
			if id == "" {
				t.Error("operationId is empty")
			} else if other, dup := opIDs[id]; dup {
				t.Errorf("operationId %q is also used by %s", id, other)
			}
			opIDs[id] = o.key()
			checkPathParams(t, doc, o)
			checkSecurity(t, o, rt)
			checkJSONBodies(t, doc, o)
		})
	}
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// checkPathParams requires every {param} of the path to be declared as a
// required path parameter, and no other path parameter to be declared.
func checkPathParams(t *testing.T, doc map[string]any, o openAPIOperation) {
	t.Helper()
	var want []string
	for _, m := range pathParam.FindAllStringSubmatch(o.path, -1) {
		want = append(want, strings.TrimSuffix(m[1], "..."))
	}
	var got []string
	for _, list := range []any{o.pathItem["parameters"], o.op["parameters"]} {
		params, _ := list.([]any)
		for _, p := range params {
			p := resolve(t, doc, p)
			if p == nil || p["in"] != "path" {
				continue
			}
			name, _ := p["name"].(string)
			if p["required"] != true {
				t.Errorf("path parameter %s is not required", name)
			}
			got = append(got, name)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("declared path parameters %q, want %q (from the path)", got, want)
	}
}

// checkSecurity requires the operation's security to match the route's
// access: none for public routes, the device credential for device routes,
// a session (with the CSRF header on unsafe methods) or an API token for
// staff routes, and any of the three for device-or-staff routes.
func checkSecurity(t *testing.T, o openAPIOperation, rt web.Route) {
	t.Helper()
	raw, ok := o.op["security"]
	if !ok && rt.Access != web.Public {
		t.Error("no security requirement")
		return
	}
	reqs, _ := raw.([]any)
	var got []string // each requirement as its sorted scheme names joined by +
	for _, r := range reqs {
		m, _ := r.(map[string]any)
		var names []string
		for n := range m {
			names = append(names, n)
		}
		slices.Sort(names)
		got = append(got, strings.Join(names, "+"))
	}
	slices.Sort(got)
	var want []string
	switch rt.Access {
	case web.Public:
	case web.Device:
		want = []string{"deviceCredential"}
	default:
		session := "session"
		if !safeMethod(rt.Method) {
			session = "csrfToken+session"
		}
		want = []string{"apiToken", session}
		if rt.Access == web.DeviceOrStaff {
			want = append(want, "deviceCredential")
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("security = %q, want %q for %s access", got, want, rt.Access)
	}
}

// checkJSONBodies requires JSON request bodies to refuse unknown fields,
// as web.DecodeJSON does.
func checkJSONBodies(t *testing.T, doc map[string]any, o openAPIOperation) {
	t.Helper()
	body := resolve(t, doc, o.op["requestBody"])
	if body == nil {
		return
	}
	content, _ := body["content"].(map[string]any)
	media, ok := content["application/json"].(map[string]any)
	if !ok {
		return
	}
	schema := resolve(t, doc, media["schema"])
	if schema == nil || schema["additionalProperties"] != false {
		t.Error("JSON request body schema must set additionalProperties: false (the decoder refuses unknown fields)")
	}
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// TestOpenAPIRefsResolve requires every $ref in the document to resolve.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := openAPIDocument(t)
	n := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				n++
				if _, err := jsonPointer(doc, ref); err != nil {
					t.Errorf("at %s: %v", at, err)
				}
			}
			for k, e := range v {
				walk(at+"/"+k, e)
			}
		case []any:
			for _, e := range v {
				walk(at+"/[]", e)
			}
		}
	}
	walk("#", doc)
	if n == 0 {
		t.Error("document has no $ref at all")
	}
}

// TestOpenAPISchemasMatchGo holds the schemas of named Go types to their
// JSON field names. For response types, a field is required exactly when
// it is never omitted. (The inputs declared inline in handlers are not
// reachable from here.)
func TestOpenAPISchemasMatchGo(t *testing.T) {
	doc := openAPIDocument(t)
	tests := []struct {
		schema   string
		value    any
		response bool
	}{
		{"Staff", kintai.Staff{}, true},
		{"OrgUnit", kintai.OrgUnit{}, true},
		{"Site", kintai.Site{}, true},
		{"Grant", kintai.Grant{}, true},
		{"Terminal", store.Terminal{}, true},
		{"APIToken", store.APIToken{}, true},
		{"AuditEntry", kintai.AuditEntry{}, true},
		{"ImportResult", store.ImportResult{}, true},
		{"RowError", staffcsv.RowError{}, true},
		{"Error", web.ErrorBody{}, true},
		{"Error/properties/error", web.ErrorDetail{}, true},
		{"StaffInput", staffInput{}, false},
		{"OrgUnitInput", orgUnitInput{}, false},
		{"SiteInput", siteInput{}, false},
		{"GrantInput", kintai.Grant{}, false},
		{"Punch", punch.Punch{}, true},
		{"PunchInput", punchInput{}, false},
		{"PunchReply", punchReply{}, true},
		{"BatchItem", batchItem{}, true},
		{"Exception", punch.Exception{}, true},
		{"PresenceRow", presenceRow{}, true},
		{"ApprovalSettings", store.ApprovalSettings{}, true},
		{"ApprovalSettingsInput", approval.Settings{}, false},
		{"OverdueRequest", approval.OverdueRequest{}, true},
		{"RequestVersion", store.RequestVersion{}, true},
		{"RequestDetail", requestDetail{}, true},
		{"ReadAllReply", readAllReply{}, true},
		{"LeaveGrant", store.LeaveGrant{}, true},
		{"LeaveGrantInput", leaveGrantInput{}, false},
		{"LeaveAmount", leave.Amount{}, true},
		{"StaffLeave", store.StaffLeave{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			v, err := jsonPointer(doc, "#/components/schemas/"+tt.schema)
			if err != nil {
				t.Fatal(err)
			}
			schema := v.(map[string]any)
			props, _ := schema["properties"].(map[string]any)
			var gotProps []string
			for p := range props {
				gotProps = append(gotProps, p)
			}
			slices.Sort(gotProps)
			fields, omitted := jsonFields(reflect.TypeOf(tt.value))
			if diff := cmp.Diff(fields, gotProps); diff != "" {
				t.Errorf("properties differ from the JSON fields of %T (-go +doc):\n%s", tt.value, diff)
			}
			if !tt.response {
				return
			}
			var required []string
			for _, r := range schema["required"].([]any) {
				required = append(required, r.(string))
			}
			slices.Sort(required)
			var always []string
			for _, f := range fields {
				if !omitted[f] {
					always = append(always, f)
				}
			}
			if diff := cmp.Diff(always, required); diff != "" {
				t.Errorf("required differs from the never-omitted fields of %T (-go +doc):\n%s", tt.value, diff)
			}
		})
	}
}

// jsonFields returns the sorted JSON names of t's fields as encoding/json
// writes them, and which of them may be left out. As in encoding/json, the
// fields of an embedded struct without a JSON name are promoted (left out
// with it when it is a nil pointer), and a field of the outer struct hides
// an embedded one of the same name.
func jsonFields(t reflect.Type) (names []string, omitted map[string]bool) {
	omitted = map[string]bool{}
	type embedded struct {
		t   reflect.Type
		ptr bool
	}
	var promote []embedded
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft, ptr := f.Type, f.Type.Kind() == reflect.Pointer
			if ptr {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				promote = append(promote, embedded{ft, ptr})
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
		for o := range strings.SplitSeq(opts, ",") {
			if o == "omitempty" || o == "omitzero" {
				omitted[name] = true
			}
		}
	}
	for _, e := range promote {
		inner, innerOmitted := jsonFields(e.t)
		for _, name := range inner {
			if slices.Contains(names, name) {
				continue
			}
			names = append(names, name)
			omitted[name] = innerOmitted[name] || e.ptr
		}
	}
	slices.Sort(names)
	return names, omitted
}

// TestServeOpenAPI fetches the document over HTTP, signed out.
func TestServeOpenAPI(t *testing.T) {
	srv := httptest.NewServer(openAPIApp(t))
	t.Cleanup(srv.Close)
	res, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d, want 200; body %s", res.StatusCode, body)
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", res.Header.Get("Content-Type"))
	}
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	if err := json.Unmarshal(openAPIDoc, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("response differs from the embedded openapi.json")
	}
}
