package matching_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/statementtest"
	"github.com/cashcycle/sdk/o2c"
)

// largeStatement returns statement i of a generated file: n lines of SEPA
// transfers with names, IBANs, end-to-end ids and remittance texts.
func largeStatement(tb testing.TB, i, n int, camt bool) matching.Statement {
	day := o2c.MustDate(2026, 3, 2).AddDays(i)
	st := matching.Statement{ID: fmt.Sprintf("STMT-%05d", i), Sequence: fmt.Sprint(i + 1), AccountIBAN: "DE44500105175407324931"}
	st.Lines = make([]matching.Line, n)
	for j := range n {
		l := &st.Lines[j]
		*l = matching.Line{
			BookingDate: day, ValueDate: day, Direction: matching.Credit,
			Amount:           o2c.MustMoney(fmt.Sprintf("%d.%02d", 10+(i*n+j)%9000, j%100), "EUR"),
			CounterpartyName: fmt.Sprintf("CUSTOMER %06d GMBH UND CO KG", j), CounterpartyIBAN: "FR7630006000011234567890189",
			CounterpartyBIC: "BNPAFRPPXXX", EndToEndID: fmt.Sprintf("E2E-%05d-%06d", i, j),
			RemittanceText: fmt.Sprintf("RE-2026-%06d RE-2026-%06d Zahlung fuer Lieferung vom 2026-02-%02d", j, j+1, 1+j%28),
			BankReference:  fmt.Sprintf("B%09d", j),
		}
		if j%4 == 3 {
			l.Direction = matching.Debit
		}
		if camt {
			l.TransactionCode = "PMNT/RCDT/ESCT"
			l.StructuredRefs = []string{"RF18539007547034"}
			l.Documents = []matching.RemittanceDocument{{Kind: matching.DocumentInvoice, Number: fmt.Sprintf("RE-2026-%06d", j), Remitted: &l.Amount}}
		} else {
			l.TransactionCode = "NTRF/166"
		}
	}
	if err := statementtest.Balance(&st, o2c.MustMoney("1000.00", "EUR"), day); err != nil {
		tb.Fatal(err)
	}
	return st
}

// countingWriter counts what goes through it.
type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var (
	largeOnce sync.Map // file name -> *largeFile
)

type largeFile struct {
	path              string
	size, largestStmt int64
	lines             int
}

// writeLarge writes a file of about target bytes, statement by statement
// (never held whole in memory), and returns its path, size and the size of
// its largest statement.
func writeLarge(b *testing.B, camt bool, target int64, linesPerStmt int) *largeFile {
	name := fmt.Sprintf("large-%v-%d-%d", camt, target, linesPerStmt)
	if f, ok := largeOnce.Load(name); ok {
		return f.(*largeFile)
	}
	dir, err := os.MkdirTemp("", "o2c-parse-bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	cw := &countingWriter{w: bufio.NewWriter(f)}
	lf := &largeFile{path: path}
	var camtW *statementtest.CAMTWriter
	if camt {
		if camtW, err = statementtest.NewCAMTWriter(cw, statementtest.CAMT053v08, "BENCH", time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; cw.n < target; i++ {
		st := largeStatement(b, i, linesPerStmt, camt)
		before := cw.n
		if camt {
			err = camtW.Write(st)
			camtW.Flush()
		} else {
			err = statementtest.WriteMT940(cw, st)
		}
		if err != nil {
			b.Fatal(err)
		}
		lf.largestStmt = max(lf.largestStmt, cw.n-before)
		lf.lines += linesPerStmt
	}
	if camt {
		if err := camtW.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if err := cw.w.Flush(); err != nil {
		b.Fatal(err)
	}
	lf.size = cw.n
	largeOnce.Store(name, lf)
	return lf
}

// heapSampler records the largest live-heap figure seen
// (/gc/heap/live:bytes after each GC is too coarse; this samples the heap
// objects every millisecond and at every statement).
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
	s    []metrics.Sample
	mu   sync.Mutex
}

func newHeapSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{}), s: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
	go func() {
		defer close(h.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.sample()
			}
		}
	}()
	return h
}

func (h *heapSampler) sample() {
	h.mu.Lock()
	metrics.Read(h.s)
	v := h.s[0].Value.Uint64()
	h.mu.Unlock()
	for {
		p := h.peak.Load()
		if v <= p || h.peak.CompareAndSwap(p, v) {
			return
		}
	}
}

func (h *heapSampler) close() uint64 {
	close(h.stop)
	<-h.done
	return h.peak.Load()
}

// benchLarge parses the file with ParseEach (statements handed over and
// dropped, as an importer does) and reports MB/s (SetBytes), the peak heap
// in MB and the peak heap over the largest statement's size.
func benchLarge(b *testing.B, lf *largeFile, format matching.Format) {
	b.SetBytes(lf.size)
	b.ReportAllocs()
	var peak uint64
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	liveBase := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(liveBase)
	b.ResetTimer()
	cpu0 := cpuTime()
	var live uint64
	liveSample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	for b.Loop() {
		f, err := os.Open(lf.path)
		if err != nil {
			b.Fatal(err)
		}
		h := newHeapSampler()
		lines := 0
		err = matching.ParseEach(f, format, func(s matching.Statement) error {
			lines += len(s.Lines)
			h.sample()
			return nil
		})
		p := h.close()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if lines != lf.lines {
			b.Fatalf("%d lines, want %d", lines, lf.lines)
		}
		peak = max(peak, p)
		metrics.Read(liveSample)
		live = max(live, liveSample[0].Value.Uint64())
	}
	b.StopTimer()
	if cpu := cpuTime() - cpu0; cpu > 0 {
		// Throughput per CPU second (all threads, GC included): what one
		// core does, whatever else runs on the machine.
		b.ReportMetric(float64(lf.size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
	above := float64(peak) - float64(base.HeapAlloc)
	b.ReportMetric(float64(lf.size)/1e6, "file-MB")
	b.ReportMetric(float64(lf.largestStmt)/1e6, "largest-stmt-MB")
	b.ReportMetric(above/1e6, "peak-heap-MB")
	b.ReportMetric(above/float64(lf.largestStmt), "peak/largest-stmt")
	// The largest heap a GC found live (what the parse retains, without the
	// garbage awaiting collection).
	b.ReportMetric((float64(live)-float64(liveBase[0].Value.Uint64()))/float64(lf.largestStmt), "live/largest-stmt")
}

// BenchmarkParseLargeMT940: a 50 MB MT940 file of 5 MB statements
// (19,500 SEPA lines each), written by statementtest.
func BenchmarkParseLargeMT940(b *testing.B) {
	benchLarge(b, writeLarge(b, false, 50<<20, 19500), matching.FormatMT940)
}

// BenchmarkParseLargeCAMT: a 50 MB camt.053 v08 file of 5 MB statements
// (5,000 entries each with party, remittance and one document).
func BenchmarkParseLargeCAMT(b *testing.B) {
	benchLarge(b, writeLarge(b, true, 50<<20, 5000), matching.FormatCAMT053)
}
