package backtest

import (
	"fmt"
	"slices"
	"sort"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// DunningInput is what [ReplayDunning] reads.
type DunningInput struct {
	// From and To bound the days replayed (both included).
	From, To o2c.Date
	// Items are the receivables with their recorded history.
	Items []report.Item
	// Plans is the plan book to replay (another plan or assignment).
	Plans *dunning.PlanBook
	// Calendar is the tenant's business calendar (nil: Monday to Friday).
	Calendar invoice.BusinessCalendar
	// Recorded are the letters actually sent (dunning.Store history).
	Recorded []dunning.HistoryEntry
}

// ReplayedLetter is a letter the replayed plan would have sent.
type ReplayedLetter struct {
	Date      o2c.Date
	Customer  o2c.CustomerID
	Level     int
	LevelName string
	Items     []invoice.DueLineKey
	Total     o2c.Money
}

// ItemTiming compares, for one due line, the first letter recorded and
// the first letter replayed, and estimates when it would have been paid.
type ItemTiming struct {
	Item          invoice.DueLineKey
	Number        string
	Paid          o2c.Date // recorded; zero when still open at To
	FirstRecorded o2c.Date // zero: never dunned
	FirstReplayed o2c.Date
	ShiftDays     int      // FirstReplayed - FirstRecorded (negative: earlier)
	EstimatedPaid o2c.Date // zero when no estimate applies
}

// DunningReplay is what the replayed plan would have done.
type DunningReplay struct {
	Letters []ReplayedLetter
	Timing  []ItemTiming
	// Lag is the observed distribution of days from a recorded first
	// letter to the payment of the item it dunned (sorted), and its median.
	Lag       []int
	MedianLag int
	// AverageShiftDays is the mean estimated change of payment dates over
	// the items both dunned and paid (negative: paid earlier).
	AverageShiftDays float64
	Assumptions      []string
}

// DunningAssumptions are printed with the estimate.
var DunningAssumptions = []string{
	"open items each day are the recorded ones (payments, credit notes, write-offs and disputes as they happened); letters replayed do not change them",
	"the replayed history starts empty on From: letters recorded before From are not known to the replayed plan",
	"payment timing: a dunned item is paid the same number of days after its first letter as recorded (the tenant's observed letter-to-payment lags), so moving the first letter by N days moves the payment by N days, never before the replayed letter's day",
	"items paid before their first recorded letter, or never dunned in one of the two histories, keep their recorded payment date",
}

// ReplayDunning runs the dunning scheduler (dunning.Propose) on every day
// of [From, To] over the items open that day, under in.Plans, keeping its
// own history of letters, and compares the first letter per due line
// with the recorded one. Errors: a *o2c.ValidationError for bad input,
// the scheduler's errors.
func ReplayDunning(in DunningInput) (DunningReplay, error) {
	switch {
	case in.From.IsZero() || in.To.IsZero() || in.To.Before(in.From):
		return DunningReplay{}, o2c.NewValidationError("from", "from and to are required, from not after to")
	case in.Plans == nil:
		return DunningReplay{}, o2c.NewValidationError("plans", "is required")
	}
	for i, it := range in.Items {
		if err := it.Validate(); err != nil {
			return DunningReplay{}, fmt.Errorf("backtest: item %d: %w", i, err)
		}
	}
	out := DunningReplay{Assumptions: DunningAssumptions}
	var history []dunning.HistoryEntry
	firstReplayed := map[invoice.DueLineKey]o2c.Date{}
	for d := in.From; !d.After(in.To); d = d.AddDays(1) {
		var open []invoice.OpenItem
		for _, it := range in.Items {
			amt, ok := it.OpenAt(d)
			if !ok || !amt.IsPositive() {
				continue
			}
			disp := o2c.Zero(it.Currency)
			for _, x := range it.Disputes {
				if !x.Opened.After(d) && (x.Resolved.IsZero() || x.Resolved.After(d)) {
					disp, _ = disp.Add(x.Amount)
				}
			}
			if c, _ := disp.Cmp(amt); c > 0 {
				disp = amt
			}
			open = append(open, invoice.OpenItem{Invoice: it.Invoice, Seq: it.Seq, Number: it.Number, Kind: invoice.KindInvoice,
				Status: invoice.StateIssued, Customer: it.Customer, IssueDate: it.IssueDate, DueDate: it.DueDate, Gross: it.Gross, Open: amt, Disputed: disp})
		}
		p, err := dunning.Propose(dunning.Input{AsOf: d, Calendar: in.Calendar, Plans: in.Plans, Items: open, History: history})
		if err != nil {
			return DunningReplay{}, err
		}
		for _, l := range p.Letters {
			rl := ReplayedLetter{Date: d, Customer: l.Customer, Level: l.Level, LevelName: l.LevelName, Total: l.Total}
			h := dunning.HistoryEntry{Key: fmt.Sprintf("replay/%s/%s/%s/%d", d, l.Customer, l.Currency.Code(), l.Level), RunDate: d, Customer: l.Customer,
				Currency: l.Currency, Plan: l.Plan, Level: l.Level, LevelName: l.LevelName, Channel: l.Channel, Total: l.Total,
				Status: dunning.LetterDelivered, PaymentDeadline: l.PaymentDeadline, DeadlineDays: l.DeadlineDays}
			for _, it := range l.Items {
				k := invoice.DueLineKey{Invoice: it.Invoice, Seq: it.Seq}
				rl.Items = append(rl.Items, k)
				h.Items = append(h.Items, dunning.HistoryItem{Invoice: it.Invoice, Seq: it.Seq, Number: it.Number, Amount: it.Amount})
				if _, ok := firstReplayed[k]; !ok {
					firstReplayed[k] = d
				}
			}
			history = append(history, h)
			out.Letters = append(out.Letters, rl)
		}
	}
	firstRecorded := map[invoice.DueLineKey]o2c.Date{}
	for _, l := range in.Recorded {
		if l.Status == dunning.LetterFailed {
			continue
		}
		for _, it := range l.Items {
			k := invoice.DueLineKey{Invoice: it.Invoice, Seq: it.Seq}
			if f, ok := firstRecorded[k]; !ok || l.RunDate.Before(f) {
				firstRecorded[k] = l.RunDate
			}
		}
	}
	var shifts []int
	for _, it := range in.Items {
		k := invoice.DueLineKey{Invoice: it.Invoice, Seq: it.Seq}
		tm := ItemTiming{Item: k, Number: it.Number, Paid: paidOn(it, in.To), FirstRecorded: firstRecorded[k], FirstReplayed: firstReplayed[k]}
		if tm.FirstRecorded.IsZero() && tm.FirstReplayed.IsZero() {
			continue
		}
		if !tm.FirstRecorded.IsZero() && !tm.Paid.IsZero() && !tm.Paid.Before(tm.FirstRecorded) {
			out.Lag = append(out.Lag, tm.FirstRecorded.DaysUntil(tm.Paid))
		}
		if !tm.FirstRecorded.IsZero() && !tm.FirstReplayed.IsZero() {
			tm.ShiftDays = tm.FirstRecorded.DaysUntil(tm.FirstReplayed)
			if !tm.Paid.IsZero() && !tm.Paid.Before(tm.FirstRecorded) {
				est := tm.Paid.AddDays(tm.ShiftDays)
				if est.Before(tm.FirstReplayed) {
					est = tm.FirstReplayed
				}
				tm.EstimatedPaid = est
				shifts = append(shifts, tm.Paid.DaysUntil(est))
			}
		}
		out.Timing = append(out.Timing, tm)
	}
	sort.Ints(out.Lag)
	if n := len(out.Lag); n > 0 {
		out.MedianLag = out.Lag[n/2]
	}
	if len(shifts) > 0 {
		sum := 0
		for _, s := range shifts {
			sum += s
		}
		out.AverageShiftDays = float64(sum) / float64(len(shifts))
	}
	slices.SortFunc(out.Timing, func(a, b ItemTiming) int { return a.FirstReplayed.Compare(b.FirstReplayed) })
	return out, nil
}

// paidOn is the day the item's open amount reached zero by a payment (on
// or before to), or zero.
func paidOn(it report.Item, to o2c.Date) o2c.Date {
	var dates []o2c.Date
	for _, m := range it.Movements {
		if m.Kind == report.MovementPayment && !m.Date.After(to) {
			dates = append(dates, m.Date)
		}
	}
	slices.SortFunc(dates, func(a, b o2c.Date) int { return a.Compare(b) })
	for _, d := range dates {
		if open, _ := it.OpenAt(d); !open.IsPositive() {
			return d
		}
	}
	return o2c.Date{}
}
