// Package portfolio generates realistic MSP portfolios from a seed and loads them into a store
// through the public services, for billing benchmarks and the scale demo
// (examples/billingrun).
//
// A portfolio of N clients has one sub-organization billed to its parent in ten; about three
// contracts per client across the contract types (recurring managed services with about five
// parts each, time and materials with or without a cap, fixed-price projects, retainers by
// amount and by hours, per-ticket incidents); quantity changes in the middle of billing periods;
// about twenty approved time entries and a sales item per client; six tax regions in five
// currencies. Everything follows from the seed: the same Config always loads the same data, with
// the same identifiers.
//
// Load brings the store to the state of a steady month: the portfolio's contracts, billed once by
// a run on the first of the previous month, then a month of activity (quantity changes, time,
// sales). What a run on Config.AsOf bills is then what a monthly run bills: each recurring part's
// period (or periods, for the few contracts that start in the month), adjustments for the
// quantity changes, the month's approved time, caps and sales items.
package portfolio
