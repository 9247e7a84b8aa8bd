// Package jstest connects tests to the NATS server named by O2C_NATS_URL
// and gives each test a JetStream stream of its own, deleted when the test
// ends, so parallel runs never see each other's messages.
//
// Without O2C_NATS_URL the NATS tests skip with a message saying how to run
// them; with O2C_REQUIRE_NATS=1 (set by CI) they fail instead.
package jstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// EnvURL names the environment variable holding the NATS server URL.
const EnvURL = "O2C_NATS_URL"

// EnvRequire names the environment variable that turns a missing URL into a failure.
const EnvRequire = "O2C_REQUIRE_NATS"

// URL returns the server URL, or skips (fails under O2C_REQUIRE_NATS=1) when unset.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		msg := "NATS tests need a NATS server with JetStream: set " + EnvURL + `, e.g. O2C_NATS_URL="nats://127.0.0.1:4222" go test ./...`
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return url
}

// Connect connects to url and returns the connection and its JetStream
// context; the connection is closed when the test ends.
func Connect(t testing.TB, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.Name("o2c-test"))
	if err != nil {
		t.Fatalf("jstest: connect to %s=%q: %v", EnvURL, url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("jstest: jetstream: %v", err)
	}
	return nc, js
}

// Unique returns a fresh token for stream names and subjects.
func Unique() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Stream creates a file-backed stream of its own for the test, capturing
// prefix+".>" with the given duplicate window, and deletes it when the test
// ends. It returns the stream's name and subject prefix.
func Stream(t testing.TB, js jetstream.JetStream, window time.Duration) (name, prefix string) {
	t.Helper()
	u := Unique()
	name, prefix = "O2C_TEST_"+strings.ToUpper(u), "o2ctest."+u
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{prefix + ".>"},
		Storage: jetstream.FileStorage, Duplicates: window}); err != nil {
		t.Fatalf("jstest: create stream %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = js.DeleteStream(ctx, name)
	})
	return name, prefix
}

// Messages reads every message of the stream, in stream order.
func Messages(t testing.TB, js jetstream.JetStream, stream string) []jetstream.Msg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatalf("jstest: stream %s: %v", stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatalf("jstest: stream %s: %v", stream, err)
	}
	total := int(info.State.Msgs)
	if total == 0 {
		return nil
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatalf("jstest: consumer on %s: %v", stream, err)
	}
	var out []jetstream.Msg
	for len(out) < total {
		batch, err := c.Fetch(total-len(out), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatalf("jstest: fetch from %s: %v", stream, err)
		}
		n := 0
		for m := range batch.Messages() {
			out = append(out, m)
			n++
		}
		if err := batch.Error(); err != nil {
			t.Fatalf("jstest: fetch from %s: %v", stream, err)
		}
		if n == 0 {
			t.Fatalf("jstest: stream %s holds %d messages, read %d", stream, total, len(out))
		}
	}
	return out
}
