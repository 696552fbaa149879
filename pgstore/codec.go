package pgstore

import (
	"strconv"
	"time"

	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// noCurrency is the currency of the zero Money and of an unset currency field.
var noCurrency = currency.XXX

// time0 returns midnight UTC of a civil date, the form pgx encodes a DATE from.
func time0(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// currencyCode returns the ISO 4217 code of cur, or "" for no currency.
func currencyCode(cur currency.Unit) string {
	if cur == noCurrency {
		return ""
	}
	return cur.String()
}

// parseCurrency reads what currencyCode writes.
func parseCurrency(code string) (currency.Unit, error) {
	if code == "" {
		return noCurrency, nil
	}
	return psa.ParseCurrency(code)
}

// itoa formats n in base 10.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
