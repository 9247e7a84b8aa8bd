package email_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/email"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// received is one message as the test SMTP server got it.
type received struct {
	from string
	to   []string
	data []byte
}

// server is a real SMTP server (emersion/go-smtp) on 127.0.0.1:0 that
// keeps what it receives, and refuses recipients listed in reject.
type server struct {
	mu     sync.Mutex
	msgs   []received
	reject map[string]bool
	addr   *net.TCPAddr
}

func (s *server) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }

func (s *server) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type session struct {
	srv  *server
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.srv.reject[to] {
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	s.srv.msgs = append(s.srv.msgs, received{from: s.from, to: s.to, data: b})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func startServer(t *testing.T) *server {
	t.Helper()
	be := &server{reject: map[string]bool{"busy@debtor.example": true}}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	be.addr = l.Addr().(*net.TCPAddr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return be
}

func notifier(t *testing.T, s *server, cfg email.Config) *email.Notifier {
	t.Helper()
	cfg.Host, cfg.Port, cfg.TLS = "127.0.0.1", s.addr.Port, email.NoTLS
	if cfg.From == "" {
		cfg.From = "Accounts receivable <ar@creditor.example>"
	}
	cfg.Timeout = 5 * time.Second
	cfg.Clock = o2c.NewManualClock(time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC))
	n, err := email.New(cfg)
	require.NoError(t, err)
	return n
}

func delivery(recipients ...string) dunning.Delivery {
	return dunning.Delivery{
		Key:    "dunning/acme/run-7/CUST-1/2",
		Letter: dunning.Letter{Key: "dunning/acme/run-7/CUST-1/2", Tenant: "acme", Level: 2, Channel: dunning.ChannelEmail, Recipients: recipients},
		Rendered: dunning.Rendered{
			Subject: "Relance : facture F-2026-001 échue",
			Text:    "Madame, Monsieur,\nla facture F-2026-001 de 1 200,00 € est échue.\n",
			HTML:    "<p>Madame, Monsieur,</p><p>la facture <b>F-2026-001</b> de 1 200,00 € est échue.</p>",
		},
	}
}

// parts returns the content types and decoded bodies of a multipart body.
func parts(t *testing.T, msg *mail.Message) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mt)
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		ct, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		require.NoError(t, err)
		out[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return out
}

func TestDeliverArrivesWithSubjectPartsAndMessageID(t *testing.T) {
	s := startServer(t)
	n := notifier(t, s, email.Config{Bcc: []string{"archive@creditor.example"}, ReplyTo: "collections@creditor.example"})
	d := delivery("ap@debtor.example", "cfo@debtor.example")
	require.NoError(t, n.Deliver(context.Background(), d))

	msgs := s.messages()
	require.Len(t, msgs, 1)
	got := msgs[0]
	assert.Equal(t, "ar@creditor.example", got.from)
	assert.ElementsMatch(t, []string{"ap@debtor.example", "cfo@debtor.example", "archive@creditor.example"}, got.to)

	msg, err := mail.ReadMessage(bytes.NewReader(got.data))
	require.NoError(t, err)
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	assert.Equal(t, d.Rendered.Subject, subject)
	assert.Equal(t, "<"+n.MessageID(d.Key)+">", msg.Header.Get("Message-ID"))
	assert.True(t, strings.HasSuffix(n.MessageID(d.Key), "@creditor.example"))
	assert.NotContains(t, string(got.data), "archive@creditor.example\r\n", "Bcc is not a header")
	assert.Empty(t, msg.Header.Get("Bcc"))
	assert.Contains(t, msg.Header.Get("Reply-To"), "collections@creditor.example")
	date, err := msg.Header.Date()
	require.NoError(t, err)
	assert.True(t, date.Equal(time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)))

	p := parts(t, msg)
	assert.Equal(t, d.Rendered.Text, p["text/plain"])
	assert.Equal(t, d.Rendered.HTML, p["text/html"])
}

// SMTP is at least once; sending one letter twice gives two messages with
// one Message-ID, which is what receivers deduplicate on.
func TestSameKeyGivesSameMessageID(t *testing.T) {
	s := startServer(t)
	n := notifier(t, s, email.Config{})
	d := delivery("ap@debtor.example")
	require.NoError(t, n.Deliver(context.Background(), d))
	require.NoError(t, n.Deliver(context.Background(), d))
	other := d
	other.Key = "dunning/acme/run-8/CUST-1/3"
	require.NoError(t, n.Deliver(context.Background(), other))

	msgs := s.messages()
	require.Len(t, msgs, 3)
	var ids []string
	for _, m := range msgs {
		msg, err := mail.ReadMessage(bytes.NewReader(m.data))
		require.NoError(t, err)
		ids = append(ids, msg.Header.Get("Message-ID"))
	}
	assert.Equal(t, ids[0], ids[1])
	assert.NotEqual(t, ids[0], ids[2])

	// and another notifier (another process) derives the same ID
	assert.Equal(t, n.MessageID(d.Key), notifier(t, s, email.Config{}).MessageID(d.Key))
}

func TestDefaultRecipients(t *testing.T) {
	s := startServer(t)
	n := notifier(t, s, email.Config{To: []string{"collections-desk@creditor.example"}})
	require.NoError(t, n.Deliver(context.Background(), delivery()))
	msgs := s.messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, []string{"collections-desk@creditor.example"}, msgs[0].to)

	err := notifier(t, s, email.Config{}).Deliver(context.Background(), delivery())
	require.ErrorIs(t, err, o2c.ErrValidation)
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "letter.recipients", ve.Field)
}

func TestServerRefusalIsSendError(t *testing.T) {
	s := startServer(t)
	n := notifier(t, s, email.Config{})
	err := n.Deliver(context.Background(), delivery("busy@debtor.example"))
	var se *email.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, delivery().Key, se.Key)
	assert.True(t, se.Temporary, "450 is transient")
	assert.Empty(t, s.messages())
}

func TestNewValidates(t *testing.T) {
	for name, cfg := range map[string]email.Config{
		"no host":  {From: "ar@creditor.example"},
		"bad from": {Host: "smtp.example", From: "not an address"},
		"bad to":   {Host: "smtp.example", From: "ar@creditor.example", To: []string{"nope"}},
		"bad tls":  {Host: "smtp.example", From: "ar@creditor.example", TLS: email.TLSMode(42)},
	} {
		_, err := email.New(cfg)
		assert.ErrorIs(t, err, o2c.ErrValidation, name)
	}
	n, err := email.New(email.Config{Host: "smtp.example", From: "ar@creditor.example"})
	require.NoError(t, err)
	d := delivery("ap@debtor.example")
	d.Key = ""
	_, err = n.Message(d)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	d = delivery("ap@debtor.example")
	d.Rendered.Text = ""
	_, err = n.Message(d)
	assert.ErrorIs(t, err, o2c.ErrValidation)
}

// The email notifier honours the level's channel: the internal "call the
// customer" task never reaches the customer's contacts.
func TestChannelsHonoured(t *testing.T) {
	ctx := context.Background()
	task := delivery("ap@debtor.example")
	task.Letter.Channel = dunning.ChannelPhoneTask

	t.Run("a phone task without TaskTo is refused and nothing is sent", func(t *testing.T) {
		s := &server{addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}} // never dialled: the refusal comes first
		n := notifier(t, s, email.Config{To: []string{"fallback@creditor.example"}, Bcc: []string{"archive@creditor.example"}})
		err := n.Deliver(ctx, task)
		require.ErrorIs(t, err, dunning.ErrChannel)
		var ce *dunning.ChannelError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, dunning.ChannelPhoneTask, ce.Channel)
		assert.Empty(t, s.messages())
	})

	t.Run("a phone task goes to the collectors only", func(t *testing.T) {
		s := startServer(t)
		n := notifier(t, s, email.Config{TaskTo: []string{"collectors@creditor.example"}, Bcc: []string{"archive@creditor.example"},
			Channels: []dunning.Channel{dunning.ChannelEmail, dunning.ChannelPhoneTask}})
		require.NoError(t, n.Deliver(ctx, task))
		msgs := s.messages()
		require.Len(t, msgs, 1)
		assert.Equal(t, []string{"collectors@creditor.example"}, msgs[0].to, "never the customer's ap@debtor.example")
		assert.NotContains(t, string(msgs[0].data), "debtor.example")
	})

	t.Run("letters of other channels are refused", func(t *testing.T) {
		s := startServer(t)
		n := notifier(t, s, email.Config{})
		for _, c := range []dunning.Channel{dunning.ChannelRegisteredLetter, dunning.ChannelLetter, dunning.ChannelSMS, dunning.ChannelCollectionAgency} {
			d := delivery("ap@debtor.example")
			d.Letter.Channel = c
			assert.ErrorIs(t, n.Deliver(ctx, d), dunning.ErrChannel, c)
		}
		assert.Empty(t, s.messages())
		n = notifier(t, s, email.Config{Channels: []dunning.Channel{dunning.ChannelEmail, dunning.ChannelRegisteredLetter}})
		d := delivery("ap@debtor.example")
		d.Letter.Channel = dunning.ChannelRegisteredLetter
		require.NoError(t, n.Deliver(ctx, d), "a copy of the registered letter by email when the host asks for it")
		assert.Len(t, s.messages(), 1)
	})

	_, err := email.New(email.Config{Host: "smtp.example", From: "ar@creditor.example", Channels: []dunning.Channel{"fax"}})
	assert.ErrorIs(t, err, o2c.ErrValidation)
}
