package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"kintai"
	"kintai/staffcsv"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", "Import the staff master CSV (職員マスタ) in UTF-8 or Shift_JIS.\nEvery row is checked first; nothing is written unless every row is good.\nRe-importing the same file changes nothing.", stderr)
	var f dbFlags
	f.register(fs)
	file := fs.String("file", "", "the CSV file (required)")
	enc := fs.String("encoding", "auto", "auto, utf-8 or shift_jis")
	dryRun := fs.Bool("dry-run", false, "check the file and report what would change, writing nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		fs.Usage()
		return exitError(2)
	}
	body, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer body.Close()
	parsed, err := staffcsv.Parse(body, staffcsv.Encoding(*enc))
	if err != nil {
		ja, en := kintai.ErrorMessages(err)
		fmt.Fprintf(stderr, "%s: %s\n%s\n", *file, ja, en)
		return exitError(1)
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.ImportStaff(ctx, kintai.Actor{System: true}, parsed, nil, !*dryRun)
	if err != nil {
		return err
	}
	for _, e := range res.Errors {
		fmt.Fprintf(stderr, "%s:%d: %s %s\n", *file, e.Line, e.Column, e.Message)
	}
	verb := "would create"
	if res.Applied {
		verb = "created"
	}
	fmt.Fprintf(stdout, "%d rows (%s): %s %d, updated %d, unchanged %d, errors %d\n",
		res.Rows, res.Encoding, verb, res.Created, res.Updated, res.Unchanged, len(res.Errors))
	if !res.OK() {
		fmt.Fprintln(stderr, "エラーがあるため何も登録していません。Nothing was written because of the errors above.")
		return exitError(1)
	}
	return nil
}
