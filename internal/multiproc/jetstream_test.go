package multiproc_test

// TestJetStreamRelayNATS proves the JetStream relay publishes every outbox
// event exactly once although relay processes die mid-batch (issue 21): a
// SQLite outbox in a file holds the events; relay child processes
// (TestRelayChildProcess) run an outbox.Dispatcher whose handler is the
// adapters/jetstream relay. The first child is SIGKILLed right after
// JetStream acknowledged a publish and before the outbox marked it (the
// worst moment: the restarted relay publishes it again); the second is
// SIGKILLed while it publishes freely, at whatever point it has reached;
// the third runs until nothing is pending. The stream must then hold each
// event once, and the relays must have seen JetStream reject at least one
// republished event as a duplicate (without the Nats-Msg-Id header the
// stream would hold it twice).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	njs "github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/jetstream"
	"github.com/cashcycle/sdk/adapters/jetstream/jstest"
	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Environment of a relay child.
const (
	envRelayDir    = "O2C_RELAY_DIR"    // shared directory: outbox.db, acks.log, progress
	envRelayURL    = "O2C_RELAY_URL"    // the NATS URL
	envRelayStream = "O2C_RELAY_STREAM" // stream name
	envRelayPrefix = "O2C_RELAY_PREFIX" // subject prefix
	envRelayMode   = "O2C_RELAY_MODE"   // "block": hang after the killAt-th ack; "run": publish freely; "finish": until nothing is pending
	envRelayKillAt = "O2C_RELAY_KILLAT" // for "block"
)

const (
	relayEvents = 300
	relayLease  = 2 * time.Second
	relayBatch  = 25
)

func relayOutbox(t testing.TB, dir string) (*sqlstore.DB, outbox.DispatchStore) {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, "outbox.db"), sqlstore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db, db.MustTenant(tenant).Dispatch()
}

// TestRelayChildProcess is the body of a relay child process. Without its
// variables (a normal test run) it does nothing and passes.
func TestRelayChildProcess(t *testing.T) {
	dir := os.Getenv(envRelayDir)
	if dir == "" {
		return
	}
	mode := os.Getenv(envRelayMode)
	killAt, _ := strconv.Atoi(os.Getenv(envRelayKillAt))
	_, ob := relayOutbox(t, dir)
	nc, err := nats.Connect(os.Getenv(envRelayURL))
	require.NoError(t, err)
	defer nc.Close()
	js, err := njs.New(nc)
	require.NoError(t, err)
	rl := &jetstream.Relay{JS: js, Stream: os.Getenv(envRelayStream), SubjectPrefix: os.Getenv(envRelayPrefix)}
	ctx := context.Background()
	window, err := rl.CheckStream(ctx, 2*relayLease)
	require.NoError(t, err)
	acks := filepath.Join(dir, "acks.log")
	published, duplicates := 0, 0
	d := &outbox.Dispatcher{Store: ob, Lease: relayLease, BatchSize: relayBatch,
		Backoff: outbox.Backoff{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond},
		Handler: func(ctx context.Context, r outbox.Record) error {
			p, err := rl.Publish(ctx, r)
			if err != nil {
				return err
			}
			published++
			if p.Duplicate {
				duplicates++
			}
			// the receiver's view: each acknowledged publish, in order
			if _, err := appendLine(acks, fmt.Sprintf("%s %v", r.Event.ID, p.Duplicate), false); err != nil {
				return err
			}
			if err := progress(dir, "relay", 0, published); err != nil {
				return err
			}
			if mode == "block" && published == killAt {
				<-ctx.Done() // acknowledged, not marked: wait here for SIGKILL
				return ctx.Err()
			}
			return nil
		}}
	require.Less(t, d.Lease+d.Backoff.Max, window, "republishing stays inside the duplicate window")
	deadline := time.Now().Add(waitLimit)
	for {
		n, err := d.Dispatch(ctx)
		require.NoError(t, err)
		if n > 0 {
			continue
		}
		pending, err := ob.Pending(ctx, 1)
		require.NoError(t, err)
		if len(pending) == 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "relay never finished")
		time.Sleep(100 * time.Millisecond) // records leased by a dead relay come due after the lease
	}
	out, err := json.Marshal(map[string]int{"published": published, "duplicates": duplicates})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "summary-"+mode), out, 0o600))
}

func TestJetStreamRelayNATS(t *testing.T) {
	url := jstest.URL(t)
	_, js := jstest.Connect(t, url)
	stream, prefix := jstest.Stream(t, js, time.Minute)
	dir := t.TempDir()
	ctx := context.Background()

	_, ob := relayOutbox(t, dir)
	want := map[string]bool{}
	var batch []o2c.Event
	for i := range relayEvents {
		e, err := o2c.NewEvent(tenant, "invoice", fmt.Sprintf("INV-%04d", i), "invoice.issued", epoch, map[string]int{"n": i})
		require.NoError(t, err)
		want[e.ID.String()] = true
		batch = append(batch, e)
		if len(batch) == 10 {
			require.NoError(t, ob.Append(ctx, batch...))
			batch = nil
		}
	}

	run := func(mode string, killAt int) (*exec.Cmd, *output, chan error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRelayChildProcess$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), envRelayDir+"="+dir, envRelayURL+"="+url, envRelayStream+"="+stream,
			envRelayPrefix+"="+prefix, envRelayMode+"="+mode, envRelayKillAt+"="+strconv.Itoa(killAt))
		out := &output{}
		cmd.Stdout, cmd.Stderr = out, out
		require.NoError(t, cmd.Start())
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		return cmd, out, done
	}
	readProgress := func() int {
		b, err := os.ReadFile(filepath.Join(dir, "progress-relay-0"))
		if err != nil {
			return 0
		}
		n, _ := strconv.Atoi(string(b))
		return n
	}
	killWhen := func(cmd *exec.Cmd, out *output, done chan error, reached int) {
		t.Helper()
		deadline := time.Now().Add(waitLimit)
		for readProgress() < reached {
			select {
			case err := <-done:
				t.Fatalf("relay ended before it was killed (%v):\n%s", err, out)
			case <-time.After(2 * time.Millisecond):
			}
			require.True(t, time.Now().Before(deadline), "relay made no progress:\n%s", out)
		}
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		err := <-done
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		ws, ok := exit.Sys().(syscall.WaitStatus)
		require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, "the relay must die of SIGKILL:\n%s", out)
	}

	// 1: killed after the 37th acknowledgement, before marking it (mid-batch)
	cmd, out, done := run("block", 37)
	killWhen(cmd, out, done, 37)
	// 2: killed while publishing, wherever it is after 60 more publishes
	cmd, out, done = run("run", 0)
	killWhen(cmd, out, done, 60)
	// 3: runs to the end
	_, out, done = run("finish", 0)
	select {
	case err := <-done:
		require.NoError(t, err, "last relay:\n%s", out)
	case <-time.After(waitLimit):
		t.Fatalf("last relay did not finish:\n%s", out)
	}
	var summary map[string]int
	b, err := os.ReadFile(filepath.Join(dir, "summary-finish"))
	require.NoError(t, err, "the last relay wrote no summary:\n%s", out)
	require.NoError(t, json.Unmarshal(b, &summary))

	pending, err := ob.Pending(ctx, 1)
	require.NoError(t, err)
	assert.Empty(t, pending, "every record is marked delivered")

	// the stream holds every event exactly once
	msgs := jstest.Messages(t, js, stream)
	seen := map[string]int{}
	for _, m := range msgs {
		e, err := jetstream.Decode(m.Data())
		require.NoError(t, err)
		assert.Equal(t, e.ID.String(), m.Headers().Get(nats.MsgIdHdr))
		seen[e.ID.String()]++
	}
	assert.Len(t, msgs, relayEvents, "messages in the stream")
	for id := range want {
		assert.Equal(t, 1, seen[id], "event %s in the stream", id)
	}
	for id := range seen {
		assert.True(t, want[id], "the stream holds %s, which the outbox never had", id)
	}

	// the relays did republish: JetStream dropped the copies
	dups := 0
	for _, l := range readLines(t, filepath.Join(dir, "acks.log")) {
		if strings.HasSuffix(l, " true") {
			dups++
		}
	}
	assert.GreaterOrEqual(t, dups, 1, "the event acknowledged but not marked by the first relay is published again and dropped as a duplicate")
	t.Logf("%d events, %d acknowledged publishes, %d dropped by JetStream as duplicates; last relay published %d",
		relayEvents, len(readLines(t, filepath.Join(dir, "acks.log"))), dups, summary["published"])
}
