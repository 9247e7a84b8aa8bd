package filedrop_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/filedrop"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/o2c"
)

func TestFileDrop(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p, err := filedrop.New(dir)
	require.NoError(t, err)

	s := einvoice.Submission{ID: "0193-abc", Invoice: "F-1", Filename: "F-1.cii.xml", Data: []byte("<x/>")}
	require.NoError(t, p.Send(ctx, s))
	require.NoError(t, p.Send(ctx, s))
	got, err := os.ReadFile(filepath.Join(dir, "outgoing", "0193-abc__F-1.cii.xml"))
	require.NoError(t, err)
	assert.Equal(t, "<x/>", string(got))
	s.Data = []byte("<y/>")
	assert.ErrorIs(t, p.Send(ctx, s), o2c.ErrConflict)
	s.Filename = "other.xml"
	assert.ErrorIs(t, p.Send(ctx, s), o2c.ErrConflict)
	evil := einvoice.Submission{ID: "../../etc", Invoice: "F-2", Filename: "../passwd", Data: []byte("x")}
	require.NoError(t, p.Send(ctx, evil))
	entries, err := os.ReadDir(filepath.Join(dir, "outgoing"))
	require.NoError(t, err)
	var inside int
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".xml" && e.Name() != "" {
			inside++
		}
	}
	assert.Equal(t, 1, inside, "the hostile names stay inside the outgoing folder")

	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	u := einvoice.StatusUpdate{ID: "212:F-1:a1", Invoice: "F-1", Status: einvoice.StatusCollected, At: at, Amount: o2c.MustMoney("10.00", "EUR"), Date: o2c.MustDate(2026, 3, 2)}
	require.NoError(t, p.SendStatus(ctx, u))
	require.NoError(t, p.SendStatus(ctx, u))
	_, err = os.Stat(filepath.Join(dir, "outgoing", "status-212_F-1_a1.json"))
	require.NoError(t, err)

	// The platform drops two files, one with two messages.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "incoming", "001.json"),
		[]byte(`{"id":"s1","invoice":"F-1","status":202,"at":"2026-03-02T10:00:00Z"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "incoming", "002.json"),
		[]byte(`[{"id":"s2","invoice":"F-1","status":207,"at":"2026-03-03T10:00:00Z","reason":"prix"},{"id":"s3","invoice":"F-1","status":205,"at":"2026-03-04T10:00:00Z"}]`), 0o644))
	l := einvoice.NewLifecycle(einvoice.LifecycleOptions{Platform: p})
	n, err := l.Poll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	tl, err := l.Timeline(ctx, "F-1")
	require.NoError(t, err)
	cur, _ := tl.Current()
	assert.Equal(t, einvoice.StatusApproved, cur.Status)
	left, err := p.Statuses(ctx)
	require.NoError(t, err)
	assert.Empty(t, left)
	done, err := os.ReadDir(filepath.Join(dir, "incoming", "done"))
	require.NoError(t, err)
	assert.Len(t, done, 2)

	// A malformed file is an error naming it.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "incoming", "003.json"), []byte(`{"id":"s4","status":999}`), 0o644))
	_, err = p.Statuses(ctx)
	assert.ErrorContains(t, err, "003.json")
}
