package staff_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/staff"
)

func ExampleAuthorize() {
	ann := psa.StaffID{UUID: uuid.MustParse("00000000-0000-7000-8000-00000000a001")} // account manager
	bob := psa.StaffID{UUID: uuid.MustParse("00000000-0000-7000-8000-00000000b002")} // on the account team
	eve := psa.StaffID{UUID: uuid.MustParse("00000000-0000-7000-8000-00000000e003")} // another technician
	acme := client.Client{
		ID:             psa.ClientID{UUID: uuid.MustParse("00000000-0000-7000-8000-0000000ac3e0")},
		AccountManager: ann, AccountTeam: []psa.StaffID{bob},
	}

	// Technicians limited to their account teams (seed 001).
	level := staff.AccountTeamLevel()
	ticket := staff.On(staff.AreaTickets, acme)
	for _, who := range []psa.StaffID{ann, bob, eve} {
		err := staff.Authorize(staff.Principal{Staff: who, Level: level}, staff.ActionEdit, ticket)
		fmt.Println(err == nil, err)
	}

	// The level does not grant deletes, whoever acts.
	err := staff.Authorize(staff.Principal{Staff: bob, Level: level}, staff.ActionDelete, ticket)
	if pe, ok := errors.AsType[*staff.PermissionError](err); ok {
		fmt.Println(pe.Permission(), pe.Reason, errors.Is(err, psa.ErrForbidden))
	}
	// Output:
	// true <nil>
	// true <nil>
	// false psa: staff 00000000-0000-7000-8000-00000000e003 is not on the account team of client 00000000-0000-7000-8000-0000000ac3e0 (security level "Account Team Technician" is limited to account teams)
	// tickets:delete missing permission true
}

func ExampleService_CreateAPIUser() {
	ctx := context.Background()
	svc := staff.NewService(memstore.Runner[staff.Tx](memstore.New()), nil)

	// Seed 003: copy the API User level, grant what the integration needs, and make the user.
	level := staff.APIUserLevel().Copy("Billing Sync")
	_ = level.Grant(staff.AreaClients, staff.ActionView)
	_ = level.Grant(staff.AreaContracts, staff.ActionView, staff.ActionEdit)
	_ = level.Grant(staff.AreaServices, staff.ActionView, staff.ActionEdit)
	level, err := svc.CreateLevel(ctx, level)
	if err != nil {
		fmt.Println(err)
		return
	}
	cred, err := svc.CreateAPIUser(ctx, staff.NewAPIUser{Username: "billing-sync@msp.example", Name: "Billing Sync", LevelID: level.ID})
	if err != nil {
		fmt.Println(err)
		return
	}
	// cred.Secret is shown now, once; the store holds only its hash.
	fmt.Println(len(cred.Secret), cred.User.SecretHash == staff.HashSecret(cred.Secret))

	p, err := svc.Authenticate(ctx, "billing-sync@msp.example", cred.Secret)
	fmt.Println(err, p.Level.Permissions)

	_, err = svc.Authenticate(ctx, "billing-sync@msp.example", "guess")
	fmt.Println(err)

	// Rotating the secret invalidates the old one.
	rotated, _ := svc.RotateSecret(ctx, cred.User.ID, cred.User.Version)
	_, errOld := svc.Authenticate(ctx, "billing-sync@msp.example", cred.Secret)
	_, errNew := svc.Authenticate(ctx, "billing-sync@msp.example", rotated.Secret)
	fmt.Println(errOld != nil, errNew)
	// Output:
	// 43 true
	// <nil> clients:view,contracts:view,contracts:edit,services:view,services:edit,api:login
	// psa: API login as "billing-sync@msp.example" failed: unknown username or wrong secret
	// true <nil>
}
