package pdfa

import (
	"bytes"
	"encoding/binary"
	"math"
)

// srgbProfile builds an ICC v2 display profile for sRGB (IEC 61966-2-1):
// the D50-adapted sRGB primaries and the sRGB transfer curve sampled at
// 1024 points. It is generated here rather than copied, so that the SDK
// ships no third-party profile; PDF/A needs one as the output intent.
func srgbProfile() []byte {
	s15 := func(v float64) []byte {
		b := make([]byte, 4)
		binary.BigEndian.PutUint32(b, uint32(int32(math.Round(v*65536))))
		return b
	}
	xyz := func(x, y, z float64) []byte {
		b := append([]byte("XYZ \x00\x00\x00\x00"), s15(x)...)
		b = append(b, s15(y)...)
		return append(b, s15(z)...)
	}
	desc := func(text string) []byte {
		var b bytes.Buffer
		b.WriteString("desc\x00\x00\x00\x00")
		_ = binary.Write(&b, binary.BigEndian, uint32(len(text)+1))
		b.WriteString(text + "\x00")
		b.Write(make([]byte, 4+4+2+1+67)) // no Unicode, no ScriptCode
		return b.Bytes()
	}
	curve := func() []byte {
		var b bytes.Buffer
		b.WriteString("curv\x00\x00\x00\x00")
		const n = 1024
		_ = binary.Write(&b, binary.BigEndian, uint32(n))
		for i := range n {
			v := float64(i) / (n - 1)
			if v <= 0.04045 {
				v /= 12.92
			} else {
				v = math.Pow((v+0.055)/1.055, 2.4)
			}
			_ = binary.Write(&b, binary.BigEndian, uint16(math.Round(v*65535)))
		}
		return b.Bytes()
	}()
	tags := []struct {
		sig  string
		data []byte
	}{
		{"desc", desc("sRGB IEC61966-2.1 (cashcycle)")},
		{"cprt", []byte("text\x00\x00\x00\x00No copyright, use freely\x00")},
		{"wtpt", xyz(0.9642, 1.0, 0.8249)},
		{"rXYZ", xyz(0.4360747, 0.2225045, 0.0139322)},
		{"gXYZ", xyz(0.3850649, 0.7168786, 0.0971045)},
		{"bXYZ", xyz(0.1430804, 0.0606169, 0.7141733)},
		{"rTRC", curve},
		{"gTRC", curve},
		{"bTRC", curve},
	}
	pad := func(n int) int { return (n + 3) &^ 3 }
	offset := 128 + 4 + 12*len(tags)
	var table, data bytes.Buffer
	_ = binary.Write(&table, binary.BigEndian, uint32(len(tags)))
	seen := map[*byte]uint32{}
	for _, t := range tags {
		key := &t.data[0]
		at, ok := seen[key]
		if !ok {
			at = uint32(offset + data.Len())
			seen[key] = at
			data.Write(t.data)
			data.Write(make([]byte, pad(len(t.data))-len(t.data)))
		}
		table.WriteString(t.sig)
		_ = binary.Write(&table, binary.BigEndian, at)
		_ = binary.Write(&table, binary.BigEndian, uint32(len(t.data)))
	}
	size := 128 + table.Len() + data.Len()
	h := make([]byte, 128)
	binary.BigEndian.PutUint32(h[0:], uint32(size))
	binary.BigEndian.PutUint32(h[8:], 0x02100000) // version 2.1
	copy(h[12:], "mntr")
	copy(h[16:], "RGB ")
	copy(h[20:], "XYZ ")
	for i, v := range []uint16{2026, 1, 1, 0, 0, 0} {
		binary.BigEndian.PutUint16(h[24+2*i:], v)
	}
	copy(h[36:], "acsp")
	copy(h[68:], s15(0.9642))
	copy(h[72:], s15(1.0))
	copy(h[76:], s15(0.8249))
	return append(append(h, table.Bytes()...), data.Bytes()...)
}
