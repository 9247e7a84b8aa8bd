package o2c_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

func TestParseTenantID(t *testing.T) {
	good := []string{"acme", "A", "acme-corp_2.eu", "0190a6e0-5b6c-7d3e-8f00-0123456789ab", strings.Repeat("x", 64)}
	for _, s := range good {
		tid, err := o2c.ParseTenantID(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, tid.String())
		require.NoError(t, tid.Validate())
	}

	bad := []string{"", strings.Repeat("x", 65), "acme corp", " acme", "acme\n", "acme/eu", "acme:1", "sociéte", "acme%", "tenant'--"}
	for _, s := range bad {
		tid, err := o2c.ParseTenantID(s)
		requireValidation(t, err, "tenant", nil)
		assert.Empty(t, tid, "%q: no tenant on error", s)
		requireValidation(t, o2c.TenantID(s).Validate(), "tenant", nil)
	}

	err := o2c.TenantID(strings.Repeat("y", 1000)).Validate()
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200, "long input is truncated in the message")
}
