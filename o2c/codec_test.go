package o2c_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/o2c"
)

// One currency per exponent the ISO table uses, plus a few more.
var codecCurrencies = []string{"JPY", "KRW", "EUR", "USD", "CHF", "GBP", "KWD", "BHD", "TND", "CLF"}

// anyMoney draws a Money within NewMoney's limits: up to 18 integer digits
// and up to 28 fraction digits, often more than the minor unit.
func anyMoney(t *rapid.T) o2c.Money {
	code := rapid.SampledFrom(codecCurrencies).Draw(t, "currency")
	s := rapid.StringMatching(`0|[1-9][0-9]{0,17}`).Draw(t, "int")
	if frac := rapid.StringMatching(`[0-9]{0,28}`).Draw(t, "frac"); frac != "" {
		s += "." + frac
	}
	if rapid.Bool().Draw(t, "negative") {
		s = "-" + s
	}
	m, err := o2c.NewMoney(s, code)
	require.NoError(t, err, s)
	return m
}

func requireSameMoney(t require.TestingT, want, got o2c.Money) {
	require.True(t, want.Equal(got), "want %s, got %s", want, got)
	require.Equal(t, want.Currency(), got.Currency())
	require.Equal(t, want.AmountString(), got.AmountString())
	require.Equal(t, want.String(), got.String())
}

func TestMoneyCodecRoundTripProperties(t *testing.T) {
	t.Run("json", rapid.MakeCheck(func(t *rapid.T) {
		m := anyMoney(t)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		var back o2c.Money
		require.NoError(t, json.Unmarshal(b, &back), string(b))
		requireSameMoney(t, m, back)
	}))
	t.Run("json number amount", rapid.MakeCheck(func(t *rapid.T) {
		m := anyMoney(t)
		b := []byte(`{"amount":` + m.AmountString() + `,"currency":"` + m.Currency().Code() + `"}`)
		var back o2c.Money
		require.NoError(t, json.Unmarshal(b, &back), string(b))
		requireSameMoney(t, m, back)
	}))
	t.Run("sql", rapid.MakeCheck(func(t *rapid.T) {
		m := anyMoney(t)
		v, err := m.Value()
		require.NoError(t, err)
		require.True(t, driver.IsValue(v), "%T is a driver.Value", v)
		var back o2c.Money
		require.NoError(t, back.Scan(v))
		requireSameMoney(t, m, back)
		var fromBytes o2c.Money
		require.NoError(t, fromBytes.Scan([]byte(v.(string))))
		requireSameMoney(t, m, fromBytes)
	}))
	t.Run("text", rapid.MakeCheck(func(t *rapid.T) {
		m := anyMoney(t)
		back, err := o2c.ParseMoney(m.String())
		require.NoError(t, err)
		requireSameMoney(t, m, back)
		d, err := o2c.ParseAmount(m.AmountString())
		require.NoError(t, err)
		require.True(t, d.Equal(m.Amount()))
	}))
}

func anyDate(t *rapid.T) o2c.Date { return dateInYears(t, 1, 9999) }

func dateInYears(t *rapid.T, from, to int) o2c.Date {
	y := rapid.IntRange(from, to).Draw(t, "year")
	mo := time.Month(rapid.IntRange(1, 12).Draw(t, "month"))
	last := time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC).Day()
	d := rapid.IntRange(1, last).Draw(t, "day")
	date, err := o2c.NewDate(y, mo, d)
	require.NoError(t, err)
	return date
}

var (
	_ encoding.TextMarshaler   = o2c.Date{}
	_ encoding.TextUnmarshaler = (*o2c.Date)(nil)
	_ driver.Valuer            = o2c.Date{}
	_ sql.Scanner              = (*o2c.Date)(nil)
)

func TestDateCodecRoundTripProperties(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("UTC-12", -12*3600), time.FixedZone("UTC+14", 14*3600)}
	if paris, err := time.LoadLocation("Europe/Paris"); err == nil {
		zones = append(zones, paris)
	}
	rapid.Check(t, func(t *rapid.T) {
		d := anyDate(t)

		b, err := json.Marshal(d)
		require.NoError(t, err)
		var fromJSON o2c.Date
		require.NoError(t, json.Unmarshal(b, &fromJSON))
		require.Equal(t, d, fromJSON)

		txt, err := d.MarshalText()
		require.NoError(t, err)
		var fromText o2c.Date
		require.NoError(t, fromText.UnmarshalText(txt))
		require.Equal(t, d, fromText)
		parsed, err := o2c.ParseDate(d.String())
		require.NoError(t, err)
		require.Equal(t, d, parsed)

		v, err := d.Value()
		require.NoError(t, err)
		require.True(t, driver.IsValue(v))
		var fromSQL o2c.Date
		require.NoError(t, fromSQL.Scan(v))
		require.Equal(t, d, fromSQL)
		var fromBytes o2c.Date
		require.NoError(t, fromBytes.Scan([]byte(v.(string))))
		require.Equal(t, d, fromBytes)

		// A DATE column comes back as midnight in some zone.
		loc := rapid.SampledFrom(zones).Draw(t, "zone")
		var fromTime o2c.Date
		require.NoError(t, fromTime.Scan(d.In(loc)))
		require.Equal(t, d, fromTime)
		require.NoError(t, fromTime.Scan(d.Time()))
		require.Equal(t, d, fromTime)
		var fromTimestampText o2c.Date
		require.NoError(t, fromTimestampText.Scan(d.Time().Format(time.RFC3339)))
		require.Equal(t, d, fromTimestampText)
	})
}

type codecOrder struct{}

type codecOrderID = o2c.ID[codecOrder]

var (
	_ encoding.TextMarshaler   = codecOrderID{}
	_ encoding.TextUnmarshaler = (*codecOrderID)(nil)
	_ driver.Valuer            = codecOrderID{}
	_ sql.Scanner              = (*codecOrderID)(nil)
)

func TestIDCodecRoundTripProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		raw := rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "bytes")
		id := o2c.IDFromUUID[codecOrder](uuid.UUID(raw))

		b, err := json.Marshal(id)
		require.NoError(t, err)
		var fromJSON codecOrderID
		require.NoError(t, json.Unmarshal(b, &fromJSON))
		require.Equal(t, id, fromJSON)

		txt, err := id.MarshalText()
		require.NoError(t, err)
		var fromText codecOrderID
		require.NoError(t, fromText.UnmarshalText(txt))
		require.Equal(t, id, fromText)

		parsed, err := o2c.ParseID[codecOrder](id.String())
		require.NoError(t, err)
		require.Equal(t, id, parsed)

		v, err := id.Value()
		require.NoError(t, err)
		require.True(t, driver.IsValue(v))
		var fromSQL codecOrderID
		require.NoError(t, fromSQL.Scan(v))
		require.Equal(t, id, fromSQL)

		var fromRaw codecOrderID
		require.NoError(t, fromRaw.Scan(raw)) // a 16-byte binary column
		require.Equal(t, id, fromRaw)
		var fromArray codecOrderID
		require.NoError(t, fromArray.Scan([16]byte(raw)))
		require.Equal(t, id, fromArray)
		var fromTextBytes codecOrderID
		require.NoError(t, fromTextBytes.Scan([]byte(id.String())))
		require.Equal(t, id, fromTextBytes)
	})
}
