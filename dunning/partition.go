package dunning

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// Partition is the Index-th of Count equal ranges of customers: customers
// are placed by a 64-bit FNV-1a hash of their ID, and partition i holds
// the hashes in [i, i+1) x 2^64 / Count. Every customer is in exactly one
// partition of a given Count.
type Partition struct {
	Index, Count int
}

// Validate checks 0 <= Index < Count.
func (p Partition) Validate() error {
	if p.Count < 1 || p.Index < 0 || p.Index >= p.Count {
		return invalid("partition", fmt.Sprintf("index %d of %d: want 0 <= index < count", p.Index, p.Count), nil)
	}
	return nil
}

// Contains reports whether customer c is in p.
func (p Partition) Contains(c o2c.CustomerID) bool {
	if p.Count <= 1 {
		return p.Index == 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(c.String()))
	width := math.MaxUint64/uint64(p.Count) + 1
	return int(h.Sum64()/width) == p.Index
}

// String names the partition: "2/8".
func (p Partition) String() string { return fmt.Sprintf("%d/%d", p.Index, p.Count) }

// DryRunPartition is [Service.DryRun] for the customers of part only: the
// letters (and skips) of the other customers are left out. It reads the
// tenant's open items as DryRun does.
func (s *Service) DryRunPartition(ctx context.Context, asOf o2c.Date, part Partition) (Proposal, error) {
	if err := part.Validate(); err != nil {
		return Proposal{}, err
	}
	in, err := s.Input(ctx, asOf)
	if err != nil {
		return Proposal{}, err
	}
	items := in.Items[:0:0]
	for _, it := range in.Items {
		if part.Contains(it.Customer) {
			items = append(items, it)
		}
	}
	in.Items = items
	return Propose(in)
}

// ExecutePartial is [Service.Execute] without completing the run: it
// writes the proposal's letters (idempotently, by key) and leaves the run
// of the date executing, for runs split between workers that complete it
// with [Service.CompleteRun] once every part is written.
func (s *Service) ExecutePartial(ctx context.Context, p Proposal) (RunResult, error) {
	return s.execute(ctx, p, false)
}

// CompleteRun marks the run of date completed (a no-op when it is). A
// date with no run is o2c.ErrNotFound.
func (s *Service) CompleteRun(ctx context.Context, date o2c.Date) error {
	return s.cfg.Store.CompleteRun(ctx, date, s.clock.Now())
}

// Leaser hands out named leases shared by every worker of a database (the
// kernel's stores.LeaseStore implements it).
type Leaser interface {
	// Acquire takes name for holder until now+ttl when it is free,
	// expired or holder's already, and reports whether it did. A lease
	// marked finished is never acquired again.
	Acquire(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	// Finish marks name finished by holder; o2c.ErrConflict when another
	// holder took it over meanwhile.
	Finish(ctx context.Context, name, holder string) error
	// Finished reports whether name was finished.
	Finished(ctx context.Context, name string) (bool, error)
}

// PartitionedRun executes one date's dunning run split into Partitions
// ranges of customers, shared by workers (goroutines or processes) on one
// database: each worker takes a partition's lease, writes that
// partition's letters and marks the lease finished; a worker that dies
// holding a lease leaves its partition to whoever acquires it after the
// lease ends (TTL). Letters are written by key, so a partition executed
// again after a takeover writes only what is missing. The worker that
// finds every partition finished completes the run.
type PartitionedRun struct {
	Service    *Service
	Leases     Leaser
	Partitions int
	// Worker names this worker; unique among the workers.
	Worker string
	// TTL is the lease length: longer than one partition's execution
	// (default 5 minutes).
	TTL time.Duration
	// Poll is the real-time wait between passes while other workers hold
	// the remaining partitions (default 1s).
	Poll time.Duration
}

// PartitionedResult says what one worker did.
type PartitionedResult struct {
	// Executed lists the partitions this worker wrote, Written the keys
	// of the letters it wrote.
	Executed []Partition
	Written  []string
	// Completed is set when this worker found every partition finished
	// and completed the run (completing is idempotent: two workers that
	// find it at the same moment both report it).
	Completed bool
}

// LeaseName is the lease of partition part of the run of asOf.
func LeaseName(asOf o2c.Date, part Partition) string {
	return "dunning-run:" + asOf.String() + ":" + part.String()
}

// Run works on the run of asOf until every partition is finished, then
// completes it. Lease times come from the service's clock. It returns
// ctx's error if ctx ends first.
func (r *PartitionedRun) Run(ctx context.Context, asOf o2c.Date) (PartitionedResult, error) {
	var res PartitionedResult
	switch {
	case r.Service == nil:
		return res, invalid("partitioned_run.service", "is required", nil)
	case r.Leases == nil:
		return res, invalid("partitioned_run.leases", "is required", nil)
	case r.Partitions < 1:
		return res, invalid("partitioned_run.partitions", "must be at least 1", nil)
	case r.Worker == "":
		return res, invalid("partitioned_run.worker", "is required", nil)
	}
	ttl, poll := r.TTL, r.Poll
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	if poll <= 0 {
		poll = time.Second
	}
	for {
		remaining := 0
		for i := range r.Partitions {
			part := Partition{Index: i, Count: r.Partitions}
			name := LeaseName(asOf, part)
			done, err := r.Leases.Finished(ctx, name)
			if err != nil {
				return res, err
			}
			if done {
				continue
			}
			remaining++
			ok, err := r.Leases.Acquire(ctx, name, r.Worker, r.Service.clock.Now(), ttl)
			if err != nil {
				return res, err
			}
			if !ok {
				continue
			}
			p, err := r.Service.DryRunPartition(ctx, asOf, part)
			if err != nil {
				return res, err
			}
			out, err := r.Service.ExecutePartial(ctx, p)
			if err != nil {
				return res, err
			}
			if err := r.Leases.Finish(ctx, name, r.Worker); errors.Is(err, o2c.ErrConflict) {
				continue // taken over after our lease ran out: the new holder finishes it
			} else if err != nil {
				return res, err
			}
			remaining--
			res.Executed = append(res.Executed, part)
			res.Written = append(res.Written, out.Written...)
		}
		if remaining == 0 {
			run, err := r.Service.cfg.Store.Run(ctx, asOf)
			if err == nil && run.Status == RunCompleted {
				return res, nil
			}
			if err := r.Service.CompleteRun(ctx, asOf); err != nil {
				return res, err
			}
			res.Completed = true
			return res, nil
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(poll):
		}
	}
}
