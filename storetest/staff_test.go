package storetest_test

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/staff"
)

// staffTxMutant wraps a staff transaction; each mutant overrides what it breaks through the
// function fields.
type staffTxMutant struct {
	staff.Tx
	createLevel     func(ctx context.Context, l staff.SecurityLevel) error
	deleteLevel     func(ctx context.Context, id psa.SecurityLevelID, version int64) error
	listLevels      func(ctx context.Context, p psa.PageRequest) (psa.Page[staff.SecurityLevel], error)
	updateAPIUser   func(ctx context.Context, u staff.APIUser) error
	listAllAPIUsers func(ctx context.Context, p psa.PageRequest) (psa.Page[staff.APIUser], error)
	listMembers     func(ctx context.Context, level psa.SecurityLevelID, p psa.PageRequest) (psa.Page[staff.Member], error)
}

func (m *staffTxMutant) CreateSecurityLevel(ctx context.Context, l staff.SecurityLevel) error {
	return or(m.createLevel, m.Tx.CreateSecurityLevel)(ctx, l)
}

func (m *staffTxMutant) DeleteSecurityLevel(ctx context.Context, id psa.SecurityLevelID, version int64) error {
	return or(m.deleteLevel, m.Tx.DeleteSecurityLevel)(ctx, id, version)
}

func (m *staffTxMutant) ListSecurityLevels(ctx context.Context, p psa.PageRequest) (psa.Page[staff.SecurityLevel], error) {
	return or(m.listLevels, m.Tx.ListSecurityLevels)(ctx, p)
}

func (m *staffTxMutant) UpdateAPIUser(ctx context.Context, u staff.APIUser) error {
	return or(m.updateAPIUser, m.Tx.UpdateAPIUser)(ctx, u)
}

func (m *staffTxMutant) ListAllAPIUsers(ctx context.Context, p psa.PageRequest) (psa.Page[staff.APIUser], error) {
	return or(m.listAllAPIUsers, m.Tx.ListAllAPIUsers)(ctx, p)
}

func (m *staffTxMutant) ListMembers(ctx context.Context, level psa.SecurityLevelID, p psa.PageRequest) (psa.Page[staff.Member], error) {
	return or(m.listMembers, m.Tx.ListMembers)(ctx, level, p)
}

// mutateStaff returns a mutant wrap that changes each staff transaction with set.
func mutateStaff(set func(m *staffTxMutant)) func(run psa.Runner[staff.Tx]) psa.Runner[staff.Tx] {
	return mutation(func(tx staff.Tx) *staffTxMutant { return &staffTxMutant{Tx: tx} }, set)
}

var staffMutants = []mutant{
	{
		name: "drops-level-permissions", breaks: "stores security levels without their permissions",
		kills: []string{"RoundTripSecurityLevel"},
		wrapStaff: mutateStaff(func(m *staffTxMutant) {
			m.createLevel = func(ctx context.Context, l staff.SecurityLevel) error {
				l.Permissions = staff.Permissions{}
				return m.Tx.CreateSecurityLevel(ctx, l)
			}
		}),
	},
	{
		name: "deletes-no-level", breaks: "checks the version of a level to delete and then keeps it",
		kills: []string{"DeleteSecurityLevel"},
		wrapStaff: mutateStaff(func(m *staffTxMutant) {
			m.deleteLevel = func(ctx context.Context, id psa.SecurityLevelID, version int64) error {
				l, err := m.Tx.GetSecurityLevel(ctx, id)
				if err != nil {
					return err
				}
				if l.Version != version {
					return &psa.VersionConflictError{Kind: "security level", ID: id.String(), Given: version, Stored: l.Version}
				}
				return nil
			}
		}),
	},
	{
		name: "deletes-stale-levels", breaks: "deletes a level whatever version the caller read",
		kills: []string{"DeleteSecurityLevel"},
		wrapStaff: mutateStaff(func(m *staffTxMutant) {
			m.deleteLevel = func(ctx context.Context, id psa.SecurityLevelID, version int64) error {
				if l, err := m.Tx.GetSecurityLevel(ctx, id); err == nil {
					version = l.Version
				}
				return m.Tx.DeleteSecurityLevel(ctx, id, version)
			}
		}),
	},
	{
		name: "skips-levels", breaks: "leaves the last security level of every page out",
		kills: []string{"PaginateStaff"},
		wrapStaff: mutateStaff(func(m *staffTxMutant) {
			m.listLevels = func(ctx context.Context, p psa.PageRequest) (psa.Page[staff.SecurityLevel], error) {
				return dropLastOfPage(m.Tx.ListSecurityLevels(ctx, p))
			}
		}),
	},
	{
		name: "skips-api-users", breaks: "leaves the last API user of every page of ListAllAPIUsers out",
		kills: []string{"PaginateStaff"},
		wrapStaff: mutateStaff(func(m *staffTxMutant) {
			m.listAllAPIUsers = func(ctx context.Context, p psa.PageRequest) (psa.Page[staff.APIUser], error) {
				return dropLastOfPage(m.Tx.ListAllAPIUsers(ctx, p))
			}
		}),
	},
	{
		name: "lenient-member-pages", breaks: "reads a malformed cursor of ListMembers as the first page and a negative limit as the default",
		kills: []string{"InvalidStaffPageRequest"},
		wrapStaff: mutateStaff(func(m *staffTxMutant) {
			m.listMembers = func(ctx context.Context, level psa.SecurityLevelID, p psa.PageRequest) (psa.Page[staff.Member], error) {
				return m.Tx.ListMembers(ctx, level, firstPageIfMalformed(p))
			}
		}),
	},
	{
		name: "api-user-last-write-wins", breaks: "updates an API user whatever version the caller read",
		kills: []string{"StaffVersions"},
		wrapStaff: mutateStaff(func(m *staffTxMutant) {
			m.updateAPIUser = func(ctx context.Context, u staff.APIUser) error {
				if stored, err := m.Tx.GetAPIUser(ctx, u.ID); err == nil {
					u.Version = stored.Version
				}
				return m.Tx.UpdateAPIUser(ctx, u)
			}
		}),
	},
	{
		name: "staff-commits-on-error", breaks: "commits what a staff transaction wrote although fn returned an error",
		kills:     []string{"StaffRollback", "DeleteSecurityLevel"},
		wrapStaff: commitsOnError[staff.Tx],
	},
	{
		name: "separate-staff-store", breaks: "runs Harness.Staff on a store of its own, apart from Harness.Client's",
		kills: []string{"StaffSharesStore"},
		wrapStaff: func(psa.Runner[staff.Tx]) psa.Runner[staff.Tx] {
			return memstore.Runner[staff.Tx](memstore.New())
		},
	},
}
