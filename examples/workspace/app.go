package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cashcycle/sdk/o2c"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// seededTenants are the tenants an empty database is seeded with.
var seededTenants = []struct {
	id   o2c.TenantID
	name string
	plan func(weeks int) seedPlan
}{
	{"demo", "Cashcycle Demo SAS", func(w int) seedPlan { return seedPlan{customers: demoCustomers, weeks: w, work: true} }},
	{"north", "Northwind Trading AS", func(w int) seedPlan { return seedPlan{customers: otherCustomers, weeks: min(w, 8)} }},
}

// App is the workspace: tenants, the operator, sessions and jobs.
type App struct {
	cfg     Config
	log     *slog.Logger
	tenants map[o2c.TenantID]*tenantEnv
	order   []o2c.TenantID
	user    string
	hash    []byte
	allowed []o2c.TenantID

	pages  map[string]*template.Template
	static http.Handler

	mu       sync.Mutex
	sessions map[string]*session
	// excluded are the customers the operator left out of a tenant's
	// dunning run of a date (tenant/date -> customer IDs).
	excluded map[string]map[o2c.CustomerID]bool

	jobs *jobs
}

// session is a browser's session: its CSRF token from the first visit,
// the operator once logged in.
type session struct {
	id      string
	csrf    string
	user    string
	expires time.Time
	flash   string
}

// NewApp opens (and seeds, when empty) the tenants and prepares the
// operator's login.
func NewApp(ctx context.Context, cfg Config) (*App, error) {
	if cfg.DB == nil {
		return nil, errors.New("workspace: no database")
	}
	if cfg.User == "" || cfg.Password == "" {
		return nil, errors.New("workspace: the operator needs a user name and a password")
	}
	if len(cfg.Tenants) == 0 {
		cfg.Tenants = []o2c.TenantID{"demo"}
	}
	if cfg.Weeks <= 0 {
		cfg.Weeks = 26
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(cfg.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: cfg.Logger, tenants: map[o2c.TenantID]*tenantEnv{}, user: cfg.User, hash: hash,
		sessions: map[string]*session{}, excluded: map[string]map[o2c.CustomerID]bool{}, jobs: newJobs()}
	clock := dayClock{day: cfg.Today}
	for _, t := range seededTenants {
		env, err := openTenant(cfg.DB, t.id, t.name, clock, cfg.LettersDir)
		if err != nil {
			return nil, err
		}
		if err := seed(ctx, cfg.DB, env, cfg.Today, t.plan(cfg.Weeks)); err != nil {
			return nil, fmt.Errorf("seeding tenant %s: %w", t.id, err)
		}
		a.tenants[t.id] = env
		a.order = append(a.order, t.id)
	}
	for _, t := range cfg.Tenants {
		if a.tenants[t] == nil {
			return nil, fmt.Errorf("workspace: unknown tenant %q (known: demo, north)", t)
		}
		a.allowed = append(a.allowed, t)
	}
	if a.pages, err = parsePages(); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	return a, nil
}

// Close waits for running jobs.
func (a *App) Close() { a.jobs.wait() }

// Handler is the workspace's HTTP handler.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", a.static)
	mux.HandleFunc("GET /login", a.loginPage)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("GET /{$}", a.authed(func(w http.ResponseWriter, r *http.Request, s *session) {
		http.Redirect(w, r, "/t/"+string(a.allowed[0])+"/", http.StatusSeeOther)
	}))
	t := func(pattern string, h tenantHandler) { mux.HandleFunc(pattern, a.authed(a.tenantScoped(h))) }
	t("GET /t/{tenant}/{$}", a.overviewPage)
	t("GET /t/{tenant}/queues", a.queuesPage)
	t("POST /t/{tenant}/holds/{order}/{action}", a.holdAction)
	t("POST /t/{tenant}/proposals/{proposal}/{action}", a.proposalAction)
	t("POST /t/{tenant}/statements", a.uploadStatement)
	t("POST /t/{tenant}/dunning/{action}", a.dunningAction)
	t("GET /t/{tenant}/letters", a.letterPage)
	t("POST /t/{tenant}/disputes/{invoice}/{dispute}/resolve", a.resolveDispute)
	t("POST /t/{tenant}/promises", a.addPromise)
	t("POST /t/{tenant}/promises/{promise}/delete", a.deletePromise)
	t("GET /t/{tenant}/customers", a.customersPage)
	t("GET /t/{tenant}/customers/{customer}", a.customerPage)
	t("GET /t/{tenant}/jobs/{job}", a.jobPage)
	t("GET /t/{tenant}/jobs/{job}/status", a.jobStatus)
	return a.secure(mux)
}

// secure sets the security headers of every response, gives every
// browser a session (and so a CSRF token) and refuses any POST whose
// token is missing or wrong.
func (a *App) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if a.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		s := a.session(w, r)
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<20)
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				token = r.PostFormValue("csrf") // parses multipart forms as well
			}
			if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.csrf)) != 1 {
				http.Error(w, "refused: missing or invalid CSRF token (reload the page and try again)", http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	})
}

type sessionKey struct{}

const cookieName = "ws_session"

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// session returns the browser's session, starting one when it has none.
func (a *App) session(w http.ResponseWriter, r *http.Request) *session {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	if c, err := r.Cookie(cookieName); err == nil {
		if s, ok := a.sessions[c.Value]; ok && now.Before(s.expires) {
			return s
		}
	}
	for id, s := range a.sessions {
		if now.After(s.expires) {
			delete(a.sessions, id)
		}
	}
	s := &session{id: randomToken(), csrf: randomToken(), expires: now.Add(12 * time.Hour)}
	a.sessions[s.id] = s
	a.setCookie(w, s)
	return s
}

func (a *App) setCookie(w http.ResponseWriter, s *session) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.id, Path: "/", HttpOnly: true, Secure: a.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: s.expires})
}

func sessionOf(r *http.Request) *session { return r.Context().Value(sessionKey{}).(*session) }

// authed sends browsers without a logged-in operator to the login page.
func (a *App) authed(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := sessionOf(r)
		a.mu.Lock()
		user := s.user
		a.mu.Unlock()
		if user == "" {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		h(w, r, s)
	}
}

type tenantHandler func(w http.ResponseWriter, r *http.Request, v *view)

// tenantScoped refuses a tenant the operator may not see, before
// anything of it is read.
func (a *App) tenantScoped(h tenantHandler) func(http.ResponseWriter, *http.Request, *session) {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		id := o2c.TenantID(r.PathValue("tenant"))
		if !slices.Contains(a.allowed, id) || a.tenants[id] == nil {
			a.log.Warn("tenant refused", "user", s.user, "tenant", id)
			http.Error(w, "forbidden: you have no access to this tenant", http.StatusForbidden)
			return
		}
		a.mu.Lock()
		flash := s.flash
		s.flash = ""
		a.mu.Unlock()
		h(w, r, &view{App: a, T: a.tenants[id], S: s, Today: a.cfg.Today, Flash: flash})
	}
}

// view is what every page template gets.
type view struct {
	App   *App
	T     *tenantEnv
	S     *session
	Today o2c.Date
	Flash string
	Title string
	Page  string
	Data  any
}

func (v *view) CSRF() string { return v.S.csrf }

// Tenants are those the operator may switch to.
func (v *view) Tenants() []*tenantEnv {
	var ts []*tenantEnv
	for _, id := range v.App.allowed {
		ts = append(ts, v.App.tenants[id])
	}
	return ts
}

// Base is the tenant's URL prefix.
func (v *view) Base() string { return "/t/" + string(v.T.ID) }

func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	a.render(w, http.StatusOK, "login", &view{App: a, S: sessionOf(r), Title: "Log in"})
}

func (a *App) login(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	user, pass := r.PostFormValue("user"), r.PostFormValue("password")
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(a.user)) == 1
	passOK := bcrypt.CompareHashAndPassword(a.hash, []byte(pass)) == nil
	if !userOK || !passOK {
		a.render(w, http.StatusUnauthorized, "login", &view{App: a, S: s, Title: "Log in", Flash: "Wrong user name or password."})
		return
	}
	// a new session ID (and token) on login
	a.mu.Lock()
	delete(a.sessions, s.id)
	ns := &session{id: randomToken(), csrf: randomToken(), user: a.user, expires: time.Now().Add(12 * time.Hour)}
	a.sessions[ns.id] = ns
	a.mu.Unlock()
	a.setCookie(w, ns)
	http.Redirect(w, r, "/t/"+string(a.allowed[0])+"/", http.StatusSeeOther)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	a.mu.Lock()
	delete(a.sessions, s.id)
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// flash keeps a message for the next page the operator sees.
func (a *App) flash(s *session, format string, args ...any) {
	a.mu.Lock()
	s.flash = fmt.Sprintf(format, args...)
	a.mu.Unlock()
}

// fail shows an error page; o2c's sentinel errors pick the status.
func (a *App) fail(w http.ResponseWriter, v *view, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, o2c.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, o2c.ErrValidation):
		status = http.StatusBadRequest
	case errors.Is(err, o2c.ErrConflict):
		status = http.StatusConflict
	}
	if status == http.StatusInternalServerError {
		a.log.Error("request failed", "err", err)
	}
	v.Title, v.Data = http.StatusText(status), err.Error()
	a.render(w, status, "error", v)
}
