// Package telemetry is how the SDK's services log, trace and count: an
// optional *slog.Logger and OpenTelemetry tracer and meter providers (the
// go.opentelemetry.io/otel API only; no SDK, no exporter). Every service
// takes an [Options]; its zero value is silent: a logger that discards, and
// no-op providers. Nothing here reads or sets OpenTelemetry's global
// providers: a host that wants them passes otel.GetTracerProvider() and
// otel.GetMeterProvider().
//
// What is recorded: spans around the cycle's calls (cycle.Ship,
// cycle.ConfirmDelivery, cycle.ReceiveStatement, cycle.RunDunning, ...),
// the credit check (credit.CheckOrder), dunning.Run, matching.Apply,
// invoice.Allocate and outbox.Dispatch, with an error status when they
// fail, every store transaction run through [T.Transactor] (span
// o2c.store.tx), the order service's use cases (order.Create, order.Place,
// order.Amend, order.Update), and counters:
//
//   - o2c.dunning.letters: letters written by dunning runs
//   - o2c.matching.payments_applied: statement lines applied to invoices
//   - o2c.invoice.payments_allocated: payment allocations booked
//   - o2c.order.credit_holds: orders put on credit hold
//   - o2c.outbox.dispatched, o2c.outbox.failed: outbox deliveries
package telemetry

import (
	"context"
	"io"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// Scope is the instrumentation scope name of every tracer and meter.
const Scope = "github.com/cashcycle/sdk"

// Counter names.
const (
	Letters           = "o2c.dunning.letters"
	PaymentsApplied   = "o2c.matching.payments_applied"
	PaymentsAllocated = "o2c.invoice.payments_allocated"
	CreditHolds       = "o2c.order.credit_holds"
	Dispatched        = "o2c.outbox.dispatched"
	DispatchFailed    = "o2c.outbox.failed"
)

// Options say where a service logs, traces and counts. The zero value
// discards everything.
type Options struct {
	// Logger receives the service's records (nil: discard).
	Logger *slog.Logger
	// TracerProvider gives the tracer of the service's spans (nil: no-op).
	TracerProvider trace.TracerProvider
	// MeterProvider gives the meter of its counters (nil: no-op).
	MeterProvider metric.MeterProvider
}

// T is a service's telemetry, built once with [New]. Its zero value and a
// nil *T are silent. It is safe for concurrent use.
type T struct {
	log    *slog.Logger
	tracer trace.Tracer
	meter  metric.Meter

	mu       sync.Mutex
	counters map[string]metric.Int64Counter
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// New returns the telemetry of o.
func New(o Options) *T {
	t := &T{log: o.Logger, counters: map[string]metric.Int64Counter{}}
	if t.log == nil {
		t.log = discard
	}
	tp := o.TracerProvider
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	}
	mp := o.MeterProvider
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	t.tracer = tp.Tracer(Scope)
	t.meter = mp.Meter(Scope)
	return t
}

// Logger returns the logger (never nil).
func (t *T) Logger() *slog.Logger {
	if t == nil || t.log == nil {
		return discard
	}
	return t.log
}

// Start starts a span named name. The returned function ends it, marking
// it failed when err is not nil, and returns err so that a method can end
// with `return end(err)`.
func (t *T) Start(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, func(err error) error) {
	if t == nil || t.tracer == nil {
		return ctx, func(err error) error { return err }
	}
	ctx, span := t.tracer.Start(ctx, name, trace.WithAttributes(attrs...))
	return ctx, func(err error) error {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
		return err
	}
}

// Add adds n to the counter name (created on first use).
func (t *T) Add(ctx context.Context, name string, n int64, attrs ...attribute.KeyValue) {
	if t == nil || t.meter == nil || n == 0 {
		return
	}
	t.mu.Lock()
	c, ok := t.counters[name]
	if !ok {
		var err error
		c, err = t.meter.Int64Counter(name)
		if err != nil {
			t.mu.Unlock()
			t.log.WarnContext(ctx, "telemetry: counter", "name", name, "err", err)
			return
		}
		t.counters[name] = c
	}
	t.mu.Unlock()
	c.Add(ctx, n, metric.WithAttributes(attrs...))
}

// TxRunner runs fn in one store transaction; o2c.Transactor has this shape.
type TxRunner interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// Transactor returns tx with a span named o2c.store.tx around each
// transaction it runs (failed when the transaction fails). With a nil or
// silent t it returns tx itself.
func (t *T) Transactor(tx TxRunner) TxRunner {
	if t == nil || t.tracer == nil || tx == nil {
		return tx
	}
	if _, ok := tx.(tracedTx); ok {
		return tx
	}
	return tracedTx{tx: tx, t: t}
}

type tracedTx struct {
	tx TxRunner
	t  *T
}

func (x tracedTx) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	ctx, end := x.t.Start(ctx, "o2c.store.tx")
	return end(x.tx.InTx(ctx, fn))
}
