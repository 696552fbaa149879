// Package portal holds the rules of the client portal: which contacts may log in, with which
// role, how they get and change a password, and exactly what each may see and do (seed 004
// "Working with Client Portal access", seed 001 "Client Portal", seed 002 "Client Portal
// Access"). The host owns HTTP, sessions and pages; this package owns the rules.
//
// # Access and roles
//
// A contact's portal access is an Account: enabled or not, a username (the contact's e-mail
// address by default, stored in lower case, unique per tenant) and a security Role. The portal is
// on for every client unless the client's settings say client.Settings.PortalDisabled. The
// built-in roles are ExternalUser (their own profile and messages, and the tickets they are the
// contact person of) and ExternalManager (also every ticket of their organization, its active
// contracts and its invoices), returned afresh by functions so that no importer can change them;
// custom roles are sets of Permissions. An account's
// SubOrganizations flag extends what the role shows of the organization to its
// sub-organizations. The QuickTickets permission gives the simplified new-ticket form
// (TicketForm). Service.Enable, Disable and BatchEnable manage access; Service.Contacts lists a
// client's contacts filtered by access.
//
// # Invitations and passwords
//
// Invitations (create-password links, valid InvitationTTL) and reset links (valid ResetTTL) are
// 256-bit random tokens, stored only as their SHA-256, single use; a new link revokes the earlier
// one of its kind, and disabling access, or setting or changing the password, revokes all. An
// account that has a password gets no invitation (*PasswordSetError: its user resets the
// password), and an invitation left over when the password was set is refused. A refused token
// is a *TokenError saying why (unknown, expired, used, revoked, ...). A new password must be
// given twice and meet the tenant's Policy (length in code points, optional character classes, a
// blocklist of common passwords); a *PolicyError lists every rule broken, and a refused password
// leaves the token usable. Passwords are hashed by a Hasher, by default PBKDF2-HMAC-SHA256 with
// 600,000 iterations whose encoding carries its parameters, so they can be raised: older hashes
// still verify and are re-hashed at the next login.
//
// Login returns a Principal. An unknown username, a wrong password and a locked account give the
// same *LoginError and take as long (each verifies one hash), so that the answer tells no real
// username from an unknown one. Wrong passwords count towards the tenant's lockout; each attempt
// is counted before its password is checked, in the transaction that reads the lockout, so that
// parallel guesses cannot get past the limit. The owner of a locked account learns of it through
// a NotifyLocked notice, not through Login's answer. A user who may no longer use the portal
// (access disabled, contact inactive, portal disabled for the client) gets an *AccessError, and
// only after giving the right password.
//
// Messages for users (invitation, welcome, reset, lockout) go through the host's Notifier, after
// the transaction that stored their token commits. Where a delivery failure would tell a real
// username from an unknown one (RequestPasswordReset, the lockout notice), the call's result
// stays the same and the failure goes to Options.DeliveryFailed.
//
// # What a portal user sees
//
// Every call for a portal user takes its account ID and reads the account, contact, client and
// role afresh in the same transaction, so a change of access takes effect at once. A user who may
// no longer use the portal and an ID that names no account get the same *AccessError, whatever
// the cause, so that a stale or forged session learns nothing. The user sees
// tickets they are the contact person of, or, with the OrganizationTickets permission, every
// ticket of the organization; of those tickets only public notes; time entries only when the
// tenant's servicedesk.Settings.ShowTimeEntriesInPortal is on and the role allows them, and then
// only public time-entry notes; active contracts with their contract.Info (derived in one
// place); invoices except drafts, with their payments. A call the role does not allow is a
// *ForbiddenError; an object the user may not see is a *psa.NotFoundError exactly like an
// object that does not exist, so nothing reveals another client's data.
//
// # What a portal user does
//
// OpenTicket opens a ticket with the servicedesk rules, the user as contact person by default
// and only the client's allowed categories; AddNote adds a public note to a ticket the user
// sees. Profile edits are limited to the fields the client's self-managed customer profile
// allows. The files a user gives (ticket attachments, their photo) are the host's storage keys,
// and must lie under StoragePrefix of the user's client, so that no user can point the portal at
// another client's file. A role with the ManageUsers permission gives and takes away the access
// of the organization's contacts and lists them as OrganizationUser values: name, e-mail
// address, access, username and role, never a colleague's notes, preferences, login times or
// lockout state.
//
// The mailbox (Send, SaveDraft, Reply, Archive, Star, DeleteMessages, UnreadCount) holds one copy
// of each message per party, not linked to tickets. Recipients are active staff members and
// enabled users of the sender's client; staff write to users of any client, and each user's copy
// lists only the recipients of their own client and staff. The dashboard has a to-do list whose
// due dates read "today", "tomorrow", weekday names or ISO dates (ParseDue), personal notes and
// the MSP's news. The knowledge base shows the articles visible to the user's client, searchable
// by words, as ArticleView values: their content, not who else may read them.
//
// # Storage
//
// The Service runs in a Tx: the stores of packages client, contract, servicedesk and invoice,
// the staff members (StaffReader, the GetMember of staff.MemberStore), and this package's
// AccountStore, TokenStore, RoleStore, SettingsStore, MessageStore, TodoStore, NewsStore and
// ArticleStore. memstore implements them and storetest checks any implementation.
package portal
