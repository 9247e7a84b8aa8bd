package jetstream_test

import (
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/cashcycle/sdk/adapters/jetstream"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// The message a relay publishes for an outbox record: the event's ID is
// the Nats-Msg-Id, so JetStream stores a republished event only once.
// (Publishing needs a server: set Relay.JS from jetstream.New(nc) and run
// the dispatcher from Relay.Dispatcher.)
func ExampleRelay_Message() {
	e, _ := o2c.NewEvent("acme", "invoice", "INV-1", "invoice.issued", time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), nil)
	rl := &jetstream.Relay{Stream: "O2C"}
	m, err := rl.Message(outbox.Record{Event: e, Seq: 42})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Subject)
	fmt.Println(m.Header.Get(nats.MsgIdHdr) == e.ID.String())
	fmt.Println(m.Header.Get(jetstream.HeaderTenant), m.Header.Get(jetstream.HeaderSeq))
	// Output:
	// o2c.events.invoice.issued
	// true
	// acme 42
}
