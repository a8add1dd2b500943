package kintai

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// AuditEntry is one link of the tamper-evident audit trail (監査ログ). Every
// change to the records writes one in the same transaction as the change.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"` // e.g. staff.create
	Entity   string    `json:"entity"` // e.g. staff
	EntityID string    `json:"entity_id"`
	Before   string    `json:"before,omitempty"` // JSON, "" when created
	After    string    `json:"after,omitempty"`  // JSON, "" when deleted
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// AuditTimeLayout is how an entry's instant enters its hash: UTC to the
// microsecond, which both databases keep exactly.
const AuditTimeLayout = "2006-01-02T15:04:05.000000Z"

// ComputeHash returns the hex SHA-256 that links e to the entry before it.
// Every field is length-prefixed so no two different entries hash alike.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(AuditTimeLayout), e.Actor, e.Action,
		e.Entity, e.EntityID, e.Before, e.After, e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets e's sequence number, previous hash and hash to follow prev
// (nil for the first entry).
func (e *AuditEntry) Seal(prev *AuditEntry) {
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if prev == nil {
		e.Seq, e.PrevHash = 1, ""
	} else {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = e.ComputeHash()
}

// AuditBreak describes the first place where a chain does not hold.
type AuditBreak struct {
	Seq    int64
	Reason string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", b.Seq, b.Reason)
}

// ChainVerifier checks entries one at a time in sequence order, so a chain
// of millions of entries is verified in constant memory.
type ChainVerifier struct {
	prev  *AuditEntry
	count int64
}

// Next checks e against the entry before it.
func (v *ChainVerifier) Next(e AuditEntry) error {
	wantSeq, wantPrev := int64(1), ""
	if v.prev != nil {
		wantSeq, wantPrev = v.prev.Seq+1, v.prev.Hash
	}
	switch {
	case e.Seq != wantSeq:
		return &AuditBreak{Seq: wantSeq, Reason: fmt.Sprintf("entry missing (next entry found is %d)", e.Seq)}
	case e.PrevHash != wantPrev:
		return &AuditBreak{Seq: e.Seq, Reason: "previous-hash link does not match the entry before it"}
	case e.ComputeHash() != e.Hash:
		return &AuditBreak{Seq: e.Seq, Reason: "contents do not match the entry's hash (altered)"}
	}
	v.prev = &e
	v.count++
	return nil
}

// End checks the chain against its recorded head: the last sequence number
// and hash kept apart from the entries, which catches deleted tail entries.
func (v *ChainVerifier) End(headSeq int64, headHash string) error {
	var lastSeq int64
	var lastHash string
	if v.prev != nil {
		lastSeq, lastHash = v.prev.Seq, v.prev.Hash
	}
	if lastSeq != headSeq {
		return &AuditBreak{Seq: lastSeq + 1, Reason: fmt.Sprintf("chain ends at %d but its head records %d (entries deleted)", lastSeq, headSeq)}
	}
	if lastHash != headHash {
		return &AuditBreak{Seq: lastSeq, Reason: "last entry's hash does not match the recorded head"}
	}
	return nil
}

// Count returns how many entries have been verified.
func (v *ChainVerifier) Count() int64 { return v.count }
