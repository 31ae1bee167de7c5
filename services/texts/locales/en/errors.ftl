## Why a value or a step is refused: one message per code of the domain's and the use cases'
## refusals (`reason!("code", …)` in the Rust code). A value in a field comes after the field's
## name ("Title: must not be empty"), so these start in lower case.

## Values of a field.
required = required
empty = must not be empty
too-long = must be at most { $max } characters
too-short = must be at least { $min } characters
not-one-line = must be a single line without control characters
control-characters = contains control characters
not-a-percent = must be a whole number from 0 to 100
not-a-link = must be an http or https link like https://example.org/report.pdf
not-an-email = is not an e-mail address like name@example.org
not-a-date = “{ $value }” is not a date like 2026-03-31
not-a-week = “{ $value }” is not a week like 2026-W48
not-an-id = “{ $value }” is not a valid id
not-a-country-code = “{ $value }” is not a three-letter country code (ISO 3166-1 alpha-3)
not-a-country = “{ $value }” is not a country of ISO 3166-1
not-a-process-ref = “{ $value }” is not a process reference like O3.7
not-a-process = { $process } is not a process of the framework's catalogue { $catalogue }
unknown-code = “{ $value }” is not one of { $choices }
unknown-word = “{ $value }” is not one of { $choices }
out-range = is out of range
not-account-s-password = is not the account's password
too-many-items = takes at most { $max } items

## Accounts.
account-disabled = the account is disabled
account-not-disabled = the account is not disabled
account-e-mail-address-already = an account with this e-mail address already exists
account-already-role-countries = the account already has this role and these countries
account-act-countries-already = the account may act in these countries already
admin-cannot-disable-account = an admin cannot disable their own account
least-one-enabled-admin-must = at least one enabled admin must remain: make another account admin first
role-may-not = a { $role } may not do this
not-your-country = a focal point may act only in their own countries, and { $country } is not one of them

## Engagements.
engagement-closed = the engagement is closed
country-engagement-closed = the engagement with { $country } is closed
engagement-already-open = an engagement with { $country } is already open
engagement-already-published = the record is already published
engagement-not-published = the record is not published
engagement-status-not-allowed = an engagement cannot go from { $from } to { $to }
dpi-system-already-tracked = { $system } is already tracked
dpi-system-already-at-stage = { $system } is already at stage { $stage }
dpi-system-twice = { $system } is listed twice
account-already-focal-point-engagement = this account is already a focal point of the engagement
enabled-focal-point-account-focal = only an enabled focal-point account can be a focal point

## Commitments and plans.
commitment-already-exists = the commitment already exists
commitment-withdrawn = the commitment was withdrawn
commitment-needs-least-one-principle = a commitment needs at least one principle
revision-changes-nothing-give-least = the revision changes nothing: give at least one field a new value
choose-least-one-process-plan = choose at least one process for the plan
plan-too-large = a plan holds at most { $max } commitments

## Milestones.
milestone-already-exists = the milestone already exists
milestone-step-not-allowed = a milestone that is { $status } cannot take this step: { $step }
achievement-needs-least-one-piece = an achievement needs at least one piece of evidence: a link, or a document attached
evidence-link-recorded-already = this evidence link is recorded already
achievement-must-verified-someone-other = an achievement must be verified by someone other than the person who reported it
milestone-already-due-date = the milestone is already due on that date
kept-changing = the record kept changing while this was sent: try again

## The spreadsheet's rows.
sheet-id-twice = this id is on row { $first } already: one row per id
sheet-no-such-milestone = no milestone of { $country } has this id: rows cannot be added here
sheet-no-such-commitment = no commitment of { $country } has this id: rows cannot be added here
sheet-changed-since = changed on the tracker since your download; left alone: download again to edit it
sheet-you-not-revise-commitments-country = you may not revise the commitments of this country
sheet-must-commitment-or-milestone = must be commitment or milestone
sheet-must-number-download-gave-row = must be the number the download gave this row
sheet-milestone-keeps-title-commitment-s = a milestone keeps its title; only a commitment's title changes here
sheet-verification-done-tracker-someone-other = verification is done on the tracker, by someone other than the reporter
sheet-give-evidence-link-title = give the evidence link a title
sheet-say-why-rescheduled = say why the due date moves: the note is the reason
sheet-say-why-blocked = say why it is blocked: the note is the reason
sheet-say-why-cancelled = say why it is cancelled: the note is the reason
sheet-keeps-due-date = a milestone that is { $status } keeps its due date
sheet-no-progress = a milestone that is { $status } takes no progress report
sheet-achievement-needs-new-evidence-link = an achievement needs a new evidence link and its title
sheet-verified-milestone-does-not-change = a verified milestone does not change here
sheet-cancelled-milestone-does-not-change = a cancelled milestone does not change here
sheet-achievement-sent-back-verifier-tracker = an achievement is sent back by its verifier, on the tracker
sheet-status-not-allowed = cannot go from { $from } to { $to }
sheet-milestone-takes-no-more-evidence = this milestone takes no more evidence
commitment-row-revises-title-due = a commitment row only revises its title and due date
milestone-row-does-not-revise = a milestone row does not revise a commitment

## Subscriptions.
subscription-already-confirmed = the subscription is already confirmed
subscriber-unsubscribed = this address has unsubscribed
already-unsubscribed = already unsubscribed
confirmation-link-invalid-or-expired = the confirmation link is invalid or has expired: subscribe again
no-pending-subscription-confirm = there is no subscription waiting to be confirmed

## The tracker's own work (reminders and the digest's deliveries); seldom shown to a person.
focal-point-reminded-milestone-week = this focal point was reminded of this milestone this week
reminder-not-recorded = this reminder is not recorded
digest-already-composed = the digest of { $period } is already composed
digest-already-completed = the digest is already completed
digest-already-delivered = the digest was already delivered
delivery-given-up = the delivery was given up
another-worker-holds-delivery = another process holds this delivery
next-attempt-not-due-yet = the next attempt is not due yet
delivery-already-settled = the delivery is already settled
delivery-not-held = attempt { $attempt } no longer holds this delivery
range-positions-ends-before-starts = the range of positions ends before it starts

## The confirmation of an upload.
sheet-left-with-row = left alone with the rest of its row
sheet-changed-meanwhile = changed on the tracker since your download; left alone
sheet-store-down = not recorded: the tracker cannot record now; upload the file again later
sheet-refused = refused

## Signing in: second factors and the organisation's account.
second-factor-already = the account has a second factor already
no-second-factor = the account has no second factor
wrong-code = this is not the code of this moment
enrolment-expired = is not an enrolment of this account; start again
organisation-linked-other = the account is linked to another identity of the organisation
organisation-not-linked = the account is not linked to the organisation
organisation-sign-in-only = this account signs in with the organisation's account, not a password
organisation-unverified = the organisation has not verified this e-mail address
organisation-no-account = no account is invited for this address
organisation-refused = the identity provider's answer does not prove who signed in

## Evidence documents.
not-a-sha256 = must be 64 lowercase hexadecimal digits
document-empty = the file is empty
document-type-not-accepted = this kind of file is not accepted; accepted are { $kinds }
document-markup = web pages and other markup are not accepted; save the page as PDF
document-unpacks-too-large = the document would unpack to far more than its size and is not accepted
evidence-file-attached-already = this document is attached to the milestone already
document-macros = documents with macros are not accepted; save it without macros
upload-unreadable = the upload was interrupted or could not be read; nothing was stored
