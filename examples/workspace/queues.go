package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

type queuesData struct {
	Holds     []holdRow
	Lines     []lineRow
	Proposal  dunning.Proposal
	Letters   []letterRow
	Excluded  []excludedRow
	RunDone   bool
	Written   []letterRow
	Disputes  []disputeRow
	Promises  []promiseRow
	Customers []*customer.Customer
	Names     map[o2c.CustomerID]string
	Formats   []string
}

type holdRow struct {
	Order    *order.Order
	Customer string
	Decision order.CreditDecision
	Audit    []order.AuditEntry
}

type lineRow struct {
	Line      *matching.LineRecord
	Proposals []*matching.ProposalRecord
	Names     map[o2c.CustomerID]string
}

type letterRow struct {
	Letter   dunning.ProposedLetter
	Customer string
	Key      string
	Entry    dunning.HistoryEntry
}

type excludedRow struct {
	ID   o2c.CustomerID
	Name string
}

type disputeRow struct {
	Invoice  *invoice.Invoice
	Dispute  invoice.Dispute
	Customer string
}

type promiseRow struct {
	Promise  dunning.Promise
	Customer string
	Broken   bool
}

func (a *App) excludedKey(t o2c.TenantID, d o2c.Date) string { return string(t) + "/" + d.String() }

func (a *App) excludedOf(t o2c.TenantID, d o2c.Date) map[o2c.CustomerID]bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[o2c.CustomerID]bool{}
	for k, v := range a.excluded[a.excludedKey(t, d)] {
		out[k] = v
	}
	return out
}

// todaysProposal is today's dunning proposal less the customers the
// operator excluded.
func (a *App) todaysProposal(ctx context.Context, v *view) (dunning.Proposal, []o2c.CustomerID, error) {
	p, err := v.T.Cycle.Dunning().DryRun(ctx, v.Today)
	if err != nil {
		return p, nil, err
	}
	ex := a.excludedOf(v.T.ID, v.Today)
	kept := p.Letters[:0]
	var out []o2c.CustomerID
	for _, l := range p.Letters {
		if ex[l.Customer] {
			out = append(out, l.Customer)
			continue
		}
		kept = append(kept, l)
	}
	p.Letters = kept
	return p, out, nil
}

func (a *App) queuesPage(w http.ResponseWriter, r *http.Request, v *view) {
	d, err := a.queues(r.Context(), v)
	if err != nil {
		a.fail(w, v, err)
		return
	}
	v.Title, v.Page, v.Data = "Work queues", "queues", d
	a.render(w, http.StatusOK, "queues", v)
}

func (a *App) queues(ctx context.Context, v *view) (*queuesData, error) {
	env := v.T
	names, custs, err := customerNames(ctx, env)
	if err != nil {
		return nil, err
	}
	d := &queuesData{Names: names, Customers: custs}
	// credit holds
	held, err := env.Cycle.Orders().List(ctx, order.Query{Statuses: []order.State{order.StateOnCreditHold}, Limit: order.MaxLimit})
	if err != nil {
		return nil, err
	}
	for _, o := range held {
		dec, _ := o.CreditDecision()
		d.Holds = append(d.Holds, holdRow{Order: o, Customer: names[o.Customer()], Decision: dec, Audit: o.Audit()})
	}
	// payments waiting for a person
	lines, err := env.Store.Matching().ListLines(ctx, matching.LineFilter{Statuses: []matching.LineStatus{matching.LineSuggested, matching.LineUnmatched}})
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		ps, err := env.Cycle.Matching().Proposals(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		if len(ps) > 3 {
			ps = ps[:3]
		}
		d.Lines = append(d.Lines, lineRow{Line: l, Proposals: ps, Names: names})
	}
	// today's dunning
	run, err := env.Store.Dunning().Run(ctx, v.Today)
	switch {
	case err == nil:
		d.RunDone = run.Status == dunning.RunCompleted
	case !errors.Is(err, o2c.ErrNotFound):
		return nil, err
	}
	if d.RunDone {
		hist, err := env.Store.Dunning().History(ctx, dunning.HistoryFilter{Since: v.Today})
		if err != nil {
			return nil, err
		}
		for _, h := range hist {
			if h.RunDate == v.Today {
				d.Written = append(d.Written, letterRow{Customer: names[h.Customer], Key: h.Key, Entry: h})
			}
		}
	} else {
		p, out, err := a.todaysProposal(ctx, v)
		if err != nil {
			return nil, err
		}
		d.Proposal = p
		for _, l := range p.Letters {
			d.Letters = append(d.Letters, letterRow{Letter: l, Customer: names[l.Customer]})
		}
		for _, c := range out {
			d.Excluded = append(d.Excluded, excludedRow{ID: c, Name: names[c]})
		}
	}
	// open disputes
	invs, err := env.Cycle.Invoices().List(ctx, invoice.Filter{})
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		for _, dp := range inv.Disputes() {
			if dp.Status == invoice.DisputeOpen {
				d.Disputes = append(d.Disputes, disputeRow{Invoice: inv, Dispute: dp, Customer: names[inv.Customer()]})
			}
		}
	}
	sort.SliceStable(d.Disputes, func(i, j int) bool { return d.Disputes[i].Dispute.OpenedAt.Before(d.Disputes[j].Dispute.OpenedAt) })
	// promises to pay
	proms, err := env.Store.Dunning().Promises(ctx, o2c.CustomerID{})
	if err != nil {
		return nil, err
	}
	for _, p := range proms {
		d.Promises = append(d.Promises, promiseRow{Promise: p, Customer: names[p.Customer], Broken: p.Date.Before(v.Today)})
	}
	return d, nil
}

func (a *App) back(w http.ResponseWriter, r *http.Request, v *view, anchor string) {
	http.Redirect(w, r, v.Base()+"/queues#"+anchor, http.StatusSeeOther)
}

// holdAction releases or rejects an order held for credit, with a note;
// the order's audit keeps who did it and why.
func (a *App) holdAction(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := order.ParseID(r.PathValue("order"))
	if err != nil {
		a.fail(w, v, fmt.Errorf("order id: %w", o2c.ErrNotFound))
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if note == "" {
		a.flash(v.S, "A note is required to release or reject an order.")
		a.back(w, r, v, "holds")
		return
	}
	c := v.T.Cycle
	var o *order.Order
	switch r.PathValue("action") {
	case "release":
		o, err = c.ReleaseOrder(r.Context(), id, v.S.user, note)
	case "reject":
		o, err = c.CreditChecker().Reject(r.Context(), c.Orders(), id, v.S.user, note)
	default:
		a.fail(w, v, o2c.ErrNotFound)
		return
	}
	if err != nil {
		a.fail(w, v, err)
		return
	}
	a.flash(v.S, "Order %s: %s by %s.", shortID(o.ID().String()), strings.ReplaceAll(o.State().String(), "_", " "), v.S.user)
	a.back(w, r, v, "holds")
}

// proposalAction confirms (applies) or rejects a matching proposal.
func (a *App) proposalAction(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := o2c.ParseID[matching.ProposalRecord](r.PathValue("proposal"))
	if err != nil {
		a.fail(w, v, fmt.Errorf("proposal id: %w", o2c.ErrNotFound))
		return
	}
	m := v.T.Cycle.Matching()
	switch r.PathValue("action") {
	case "confirm":
		applied, err := m.Confirm(r.Context(), id)
		if err != nil {
			a.fail(w, v, err)
			return
		}
		var nums []string
		for _, al := range applied.Allocations {
			nums = append(nums, al.InvoiceNumber)
		}
		a.flash(v.S, "Payment applied to %s.", strings.Join(nums, ", "))
	case "reject":
		if err := m.Reject(r.Context(), id); err != nil {
			a.fail(w, v, err)
			return
		}
		a.flash(v.S, "Proposal rejected.")
	default:
		a.fail(w, v, o2c.ErrNotFound)
		return
	}
	a.back(w, r, v, "matching")
}

// uploadStatement reads a bank file and imports, matches and applies its
// statements in the background, with progress.
func (a *App) uploadStatement(w http.ResponseWriter, r *http.Request, v *view) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		a.flash(v.S, "Choose a camt.053 or MT940 file to upload.")
		a.back(w, r, v, "matching")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		a.fail(w, v, err)
		return
	}
	format := matching.Format(r.PostFormValue("format"))
	env := v.T
	j := a.jobs.start(env.ID, "Importing "+hdr.Filename, func(j *job) {
		ctx := context.Background()
		j.progress("reading the file", 0, 0)
		sts, err := matching.Parse(bytes.NewReader(data), format)
		if err != nil {
			j.end(err, "")
			return
		}
		total := 0
		for _, st := range sts {
			total += len(st.Lines)
		}
		done, applied, waiting, dups := 0, 0, 0, 0
		for i, st := range sts {
			j.progress(fmt.Sprintf("statement %d of %d (%s): importing", i+1, len(sts), st.ID), done, total)
			imp, err := env.Cycle.Matching().Import(ctx, st)
			if err != nil {
				j.end(fmt.Errorf("statement %s: %w", st.ID, err), "")
				return
			}
			dups += imp.Duplicates
			j.progress(fmt.Sprintf("statement %d of %d (%s): matching %d lines", i+1, len(sts), st.ID, len(imp.Lines)), done, total)
			if _, err := env.Cycle.Matching().Propose(ctx, imp.Statement.ID); err != nil {
				j.end(err, "")
				return
			}
			// apply in the background of the job; the lines booked so far
			// are the progress
			type result struct {
				rep matching.ApplyReport
				err error
			}
			ch := make(chan result, 1)
			go func() {
				rep, err := env.Cycle.Matching().Apply(ctx, imp.Statement.ID)
				ch <- result{rep, err}
			}()
			var res result
		wait:
			for {
				select {
				case res = <-ch:
					break wait
				case <-time.After(200 * time.Millisecond):
					booked, err := env.Store.Matching().ListLines(ctx, matching.LineFilter{Statement: imp.Statement.ID,
						Statuses: []matching.LineStatus{matching.LineApplied}})
					if err == nil {
						j.progress(fmt.Sprintf("statement %d of %d (%s): applying", i+1, len(sts), st.ID), done+len(booked), total)
					}
				}
			}
			if res.err != nil {
				j.end(res.err, "")
				return
			}
			applied += len(res.rep.Applied)
			waiting += len(res.rep.Waiting)
			done += len(st.Lines)
			j.progress(fmt.Sprintf("statement %d of %d applied", i+1, len(sts)), done, total)
		}
		j.end(nil, env.base()+"/queues#matching",
			fmt.Sprintf("%d statement(s), %d line(s) read", len(sts), total),
			fmt.Sprintf("%d payment(s) applied", applied),
			fmt.Sprintf("%d line(s) waiting for a person", waiting),
			fmt.Sprintf("%d line(s) already imported before", dups))
	})
	http.Redirect(w, r, v.Base()+"/jobs/"+j.ID, http.StatusSeeOther)
}

func (t *tenantEnv) base() string { return "/t/" + string(t.ID) }

// dunningAction excludes a customer from today's run, includes it again,
// or executes the run (in the background, with progress).
func (a *App) dunningAction(w http.ResponseWriter, r *http.Request, v *view) {
	key := a.excludedKey(v.T.ID, v.Today)
	switch r.PathValue("action") {
	case "exclude", "include":
		id, err := o2c.ParseCustomerID(r.PostFormValue("customer"))
		if err != nil {
			a.fail(w, v, fmt.Errorf("customer: %w", o2c.ErrNotFound))
			return
		}
		a.mu.Lock()
		if a.excluded[key] == nil {
			a.excluded[key] = map[o2c.CustomerID]bool{}
		}
		if r.PathValue("action") == "exclude" {
			a.excluded[key][id] = true
		} else {
			delete(a.excluded[key], id)
		}
		a.mu.Unlock()
		a.back(w, r, v, "dunning")
	case "execute":
		env, today := v.T, v.Today
		// the proposal is computed in the job too: for thousands of
		// customers it takes a while
		j := a.jobs.start(env.ID, fmt.Sprintf("Dunning run of %s", today), func(j *job) {
			ctx := context.Background()
			j.progress("proposing", 0, 0)
			p, _, err := a.todaysProposal(ctx, v)
			if err != nil {
				j.end(err, "")
				return
			}
			total := len(p.Letters)
			j.progress("writing letters", 0, total)
			ch := make(chan error, 1)
			var res dunning.RunResult
			go func() {
				var err error
				res, err = env.Cycle.Dunning().Execute(ctx, p)
				ch <- err
			}()
		wait:
			for {
				select {
				case err = <-ch:
					break wait
				case <-time.After(200 * time.Millisecond):
					if run, err := env.Store.Dunning().Run(ctx, today); err == nil {
						j.progress("writing letters", run.Letters, total)
					}
				}
			}
			if err != nil {
				j.end(err, "")
				return
			}
			j.progress("sending letters", len(res.Written), total)
			sent, err := env.Cycle.Dunning().Deliver(ctx)
			if err != nil {
				j.end(err, "")
				return
			}
			j.end(nil, env.base()+"/queues#dunning",
				fmt.Sprintf("%d letter(s) written", len(res.Written)),
				fmt.Sprintf("%d letter(s) sent", sent))
		})
		http.Redirect(w, r, v.Base()+"/jobs/"+j.ID, http.StatusSeeOther)
	default:
		a.fail(w, v, o2c.ErrNotFound)
	}
}

// letterPage shows a letter as it was sent.
func (a *App) letterPage(w http.ResponseWriter, r *http.Request, v *view) {
	key := r.URL.Query().Get("key")
	if !strings.HasPrefix(key, string(v.T.ID)+"/") {
		a.fail(w, v, fmt.Errorf("letter: %w", o2c.ErrNotFound))
		return
	}
	meta, body, err := v.T.Letters.Letter(key)
	if err != nil {
		a.fail(w, v, fmt.Errorf("letter %s: %w", key, err))
		return
	}
	v.Title, v.Page, v.Data = meta.Subject, "letter", struct {
		Meta storedLetter
		Body string
	}{meta, string(body)}
	a.render(w, http.StatusOK, "letter", v)
}

// resolveDispute closes a dispute, rejecting the claim, with the reason.
func (a *App) resolveDispute(w http.ResponseWriter, r *http.Request, v *view) {
	inv, err1 := o2c.ParseID[invoice.Invoice](r.PathValue("invoice"))
	dp, err2 := o2c.ParseID[invoice.Dispute](r.PathValue("dispute"))
	if err := errors.Join(err1, err2); err != nil {
		a.fail(w, v, fmt.Errorf("dispute: %w", o2c.ErrNotFound))
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if note == "" {
		a.flash(v.S, "Say why the dispute is resolved.")
		a.back(w, r, v, "disputes")
		return
	}
	res := invoice.Resolution{Actor: v.S.user, Note: note}
	if r.PostFormValue("outcome") == "credit" {
		cur, err := v.T.Cycle.Invoices().Get(r.Context(), inv)
		if err != nil {
			a.fail(w, v, err)
			return
		}
		d, err := cur.Dispute(dp)
		if err != nil {
			a.fail(w, v, err)
			return
		}
		// credit the disputed amount as one line at the invoice's rate
		l := cur.Lines()[0]
		net := d.Amount.Amount().Div(l.TaxRate.Add(hundred).Div(hundred)).RoundFloor(2)
		res.CreditLines = []invoice.Line{{Description: "Credit: " + note, Quantity: one, UnitPrice: o2c.MustMoney(net.StringFixed(2), d.Amount.Currency().String()),
			TaxCategory: l.TaxCategory, TaxRate: l.TaxRate}}
	}
	if _, err := v.T.Cycle.Invoices().ResolveDispute(r.Context(), inv, dp, res); err != nil {
		a.fail(w, v, err)
		return
	}
	updated, err := v.T.Cycle.Invoices().Get(r.Context(), inv)
	if err != nil {
		a.fail(w, v, err)
		return
	}
	d, err := updated.Dispute(dp)
	if err != nil {
		a.fail(w, v, err)
		return
	}
	a.flash(v.S, "Dispute on %s resolved: %s.", updated.Number(), strings.ReplaceAll(string(d.Outcome), "_", " "))
	a.back(w, r, v, "disputes")
}

// addPromise records a customer's promise to pay: dunning pauses until
// its date.
func (a *App) addPromise(w http.ResponseWriter, r *http.Request, v *view) {
	cust, err := o2c.ParseCustomerID(r.PostFormValue("customer"))
	if err != nil {
		a.fail(w, v, &o2c.ValidationError{Field: "customer", Rule: "must be a customer", Err: o2c.ErrValidation})
		return
	}
	if _, err := v.T.Store.Customers().Get(r.Context(), cust); err != nil {
		a.fail(w, v, err)
		return
	}
	date, err := o2c.ParseDate(r.PostFormValue("date"))
	if err != nil {
		a.fail(w, v, &o2c.ValidationError{Field: "date", Rule: "must be YYYY-MM-DD", Err: o2c.ErrValidation})
		return
	}
	p := dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: cust, Currency: currency, Date: date,
		Note: strings.TrimSpace(r.PostFormValue("note"))}
	if s := strings.TrimSpace(r.PostFormValue("amount")); s != "" {
		if p.Amount, err = o2c.NewMoney(s, currency.String()); err != nil {
			a.fail(w, v, &o2c.ValidationError{Field: "amount", Rule: "must be an amount", Value: s, Err: o2c.ErrValidation})
			return
		}
	}
	if err := p.Validate(); err != nil {
		a.fail(w, v, err)
		return
	}
	if err := v.T.Store.Dunning().SavePromise(r.Context(), &p); err != nil {
		a.fail(w, v, err)
		return
	}
	a.flash(v.S, "Promise recorded: dunning of this customer pauses until %s.", date)
	a.back(w, r, v, "promises")
}

func (a *App) deletePromise(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := o2c.ParseID[dunning.Promise](r.PathValue("promise"))
	if err == nil {
		err = v.T.Store.Dunning().DeletePromise(r.Context(), id)
	}
	if err != nil {
		a.fail(w, v, err)
		return
	}
	a.flash(v.S, "Promise removed.")
	a.back(w, r, v, "promises")
}

func shortID(s string) string {
	if len(s) > 8 {
		return s[len(s)-8:]
	}
	return s
}
