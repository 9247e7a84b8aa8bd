package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// job is a long action running in the background (a statement import, a
// dunning run): the page that started it shows its progress.
type job struct {
	ID     string
	Tenant o2c.TenantID
	Title  string

	mu      sync.Mutex
	phase   string
	done    int
	total   int
	finish  bool
	err     string
	result  []string
	next    string // where to go when finished
	started time.Time
}

// jobState is a job as the status endpoint and the page show it.
type jobState struct {
	Title   string   `json:"title"`
	Phase   string   `json:"phase"`
	Done    int      `json:"done"`
	Total   int      `json:"total"`
	Percent int      `json:"percent"`
	Finish  bool     `json:"finished"`
	Error   string   `json:"error,omitempty"`
	Result  []string `json:"result,omitempty"`
	Next    string   `json:"next,omitempty"`
}

func (j *job) progress(phase string, done, total int) {
	j.mu.Lock()
	j.phase, j.done, j.total = phase, done, total
	j.mu.Unlock()
}

func (j *job) end(err error, next string, result ...string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.finish, j.next, j.result = true, next, result
	if err != nil {
		j.err = err.Error()
	}
	if j.total > 0 && err == nil {
		j.done = j.total
	}
	j.phase = "finished"
	if err != nil {
		j.phase = "failed"
	}
}

func (j *job) state() jobState {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := jobState{Title: j.Title, Phase: j.phase, Done: j.done, Total: j.total, Finish: j.finish, Error: j.err,
		Result: j.result, Next: j.next}
	switch {
	case j.finish:
		st.Percent = 100
	case j.total > 0:
		st.Percent = j.done * 100 / j.total
	}
	return st
}

type jobs struct {
	mu   sync.Mutex
	byID map[string]*job
	wg   sync.WaitGroup
}

func newJobs() *jobs { return &jobs{byID: map[string]*job{}} }

// start runs fn in the background as a new job of tenant.
func (js *jobs) start(tenant o2c.TenantID, title string, fn func(j *job)) *job {
	j := &job{ID: randomToken()[:20], Tenant: tenant, Title: title, phase: "starting", started: time.Now()}
	js.mu.Lock()
	js.byID[j.ID] = j
	js.mu.Unlock()
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		fn(j)
	}()
	return j
}

func (js *jobs) get(tenant o2c.TenantID, id string) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j := js.byID[id]; j != nil && j.Tenant == tenant {
		return j
	}
	return nil
}

func (js *jobs) wait() { js.wg.Wait() }

func (a *App) jobPage(w http.ResponseWriter, r *http.Request, v *view) {
	j := a.jobs.get(v.T.ID, r.PathValue("job"))
	if j == nil {
		a.fail(w, v, o2c.ErrNotFound)
		return
	}
	st := j.state()
	v.Title, v.Page, v.Data = st.Title, "job", struct {
		ID string
		jobState
	}{j.ID, st}
	a.render(w, http.StatusOK, "job", v)
}

func (a *App) jobStatus(w http.ResponseWriter, r *http.Request, v *view) {
	j := a.jobs.get(v.T.ID, r.PathValue("job"))
	if j == nil {
		http.Error(w, "no such job", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(j.state())
}
