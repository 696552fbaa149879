package billing

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// appendUUID appends u in its String form (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) to b.
func appendUUID(b []byte, u uuid.UUID) []byte {
	const hex = "0123456789abcdef"
	for i, c := range u {
		switch i {
		case 4, 6, 8, 10:
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&0xf])
	}
	return b
}

// lineText builds the texts of one invoice line (description, explanation, source) in one
// buffer and makes them one string, sliced: one allocation where three strings would take three.
type lineText struct {
	buf  []byte
	cuts [2]int
	n    int
}

// cut ends the text being appended to buf; the texts are cut in the order desc, explain, source.
func (t *lineText) cut() {
	t.cuts[t.n] = len(t.buf)
	t.n++
}

// texts returns the three texts: desc up to the first cut, explain up to the second, source the
// rest.
func (t *lineText) texts() (desc, explain, source string) {
	all := string(t.buf)
	return all[:t.cuts[0]], all[t.cuts[0]:t.cuts[1]], all[t.cuts[1]:]
}

// appendDuration appends d.String() to b; whole seconds from 0 to a million hours are formatted
// here, the rest by time.Duration.
func appendDuration(b []byte, d time.Duration) []byte {
	if d < 0 || d%time.Second != 0 || d > 1e6*time.Hour {
		return append(b, d.String()...)
	}
	if d == 0 {
		return append(b, "0s"...)
	}
	s := int64(d / time.Second)
	if h := s / 3600; h > 0 {
		b = strconv.AppendInt(b, h, 10)
		b = append(b, 'h')
	}
	if s >= 60 {
		b = strconv.AppendInt(b, s/60%60, 10)
		b = append(b, 'm')
	}
	b = strconv.AppendInt(b, s%60, 10)
	return append(b, 's')
}

// billedKey is what the live claims on one subject billed under one key: their sum.
type billedKey struct {
	key  string
	sum  psa.Money
	done bool // matched by the caller (a period still due)
}

// billed is what the live claims on one subject billed, by key, in the order of the keys' first
// claims. Subjects have few keys: lookups are linear.
type billed []billedKey

// billedKeys sums the live claims on subject by key.
func (b *bill) billedKeys(ctx context.Context, subject Subject) (billed, error) {
	claims, err := b.tx.ListClaims(ctx, subject)
	if err != nil {
		return nil, err
	}
	var out billed
	for i := range claims {
		c := &claims[i]
		if c.Released {
			continue
		}
		j := out.index(c.Key)
		if j < 0 {
			if out == nil {
				out = make(billed, 0, len(claims))
			}
			out = append(out, billedKey{key: c.Key, sum: firstSum(c.Amount)})
			continue
		}
		if out[j].sum, err = out[j].sum.Add(c.Amount); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// firstSum returns 0 + m in m's currency, as a sum of claims starting from zero has it: m itself
// when it has at least its currency's decimals (the sum's exponent is the smaller one).
func firstSum(m psa.Money) psa.Money {
	if m.Amount().Exponent() <= -psa.MinorUnitScale(m.Currency()) {
		return m
	}
	s, _ := psa.ZeroMoney(m.Currency()).Add(m)
	return s
}

// index returns the position of key in bk, or -1.
func (bk billed) index(key string) int {
	for i := range bk {
		if bk[i].key == key {
			return i
		}
	}
	return -1
}

// indexBytes is index of a key given as bytes (compared without a copy), among the keys not
// marked done.
func (bk billed) indexBytes(key []byte) int {
	for i := range bk {
		if !bk[i].done && bk[i].key == string(key) {
			return i
		}
	}
	return -1
}

// get returns the sum billed under key.
func (bk billed) get(key string) (psa.Money, bool) {
	if i := bk.index(key); i >= 0 {
		return bk[i].sum, true
	}
	return psa.Money{}, false
}

// left returns the keys not marked done, in ascending order.
func (bk billed) left() []billedKey {
	var out []billedKey
	for _, k := range bk {
		if !k.done {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(x, y billedKey) int { return strings.Compare(x.key, y.key) })
	return out
}

// sameUnits reports whether before, what was billed for a period, equals a charge of units minor
// units of cur; a sum in another currency counts as nothing billed (as in periods).
func sameUnits(before psa.Money, cur currency.Unit, units int64) bool {
	if before.Currency() != cur {
		return units == 0
	}
	u, err := before.MinorUnits()
	return err == nil && u == units
}
