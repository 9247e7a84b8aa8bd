// Package telemetrytest records what the SDK's services trace and count, in
// memory, for tests: a [Recorder] is both an OpenTelemetry TracerProvider
// and MeterProvider (API interfaces, no SDK) to put in telemetry.Options.
package telemetrytest

import (
	"context"
	"slices"
	"sync"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/cashcycle/sdk/telemetry"
)

// Span is an ended span.
type Span struct {
	Name   string
	Failed bool
	Status string
}

// Recorder keeps ended spans and counter sums. It is safe for concurrent
// use.
type Recorder struct {
	tracenoop.TracerProvider
	metricnoop.MeterProvider

	mu       sync.Mutex
	spans    []Span
	counters map[string]int64
}

// New returns an empty recorder.
func New() *Recorder { return &Recorder{counters: map[string]int64{}} }

// Options returns telemetry options that record into r.
func (r *Recorder) Options() telemetry.Options {
	return telemetry.Options{TracerProvider: r, MeterProvider: r}
}

// Spans returns the ended spans in the order they ended.
func (r *Recorder) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.spans)
}

// SpanNames returns the names of the ended spans, in the order they ended.
func (r *Recorder) SpanNames() []string {
	var out []string
	for _, s := range r.Spans() {
		out = append(out, s.Name)
	}
	return out
}

// Counter returns the sum added to the counter name.
func (r *Recorder) Counter(name string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counters[name]
}

// Tracer implements trace.TracerProvider.
func (r *Recorder) Tracer(string, ...trace.TracerOption) trace.Tracer { return tracer{r: r} }

// Meter implements metric.MeterProvider.
func (r *Recorder) Meter(string, ...metric.MeterOption) metric.Meter { return meter{r: r} }

type tracer struct {
	tracenoop.Tracer
	r *Recorder
}

func (t tracer) Start(ctx context.Context, name string, _ ...trace.SpanStartOption) (context.Context, trace.Span) {
	s := &span{r: t.r, rec: Span{Name: name}}
	return trace.ContextWithSpan(ctx, s), s
}

type span struct {
	tracenoop.Span
	r   *Recorder
	rec Span
}

func (s *span) SetStatus(c codes.Code, desc string) {
	s.rec.Failed = c == codes.Error
	s.rec.Status = desc
}

func (s *span) End(...trace.SpanEndOption) {
	s.r.mu.Lock()
	s.r.spans = append(s.r.spans, s.rec)
	s.r.mu.Unlock()
}

type meter struct {
	metricnoop.Meter
	r *Recorder
}

func (m meter) Int64Counter(name string, _ ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	return counter{r: m.r, name: name}, nil
}

type counter struct {
	metricnoop.Int64Counter
	r    *Recorder
	name string
}

func (c counter) Add(_ context.Context, n int64, _ ...metric.AddOption) {
	c.r.mu.Lock()
	c.r.counters[c.name] += n
	c.r.mu.Unlock()
}
