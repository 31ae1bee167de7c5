## The mails: the digest (HTML and text), the confirmation, the reminders.

digest = Safeguards Digest
quiet = Nothing changed in your countries since your last digest.
quiet-all = No country reported a change since the previous digest.
colon = {": "}
achieved = Achieved
verified = Verified
new-commitment = New commitment
blocked = Blocked
overdue = Overdue
activity = Activity
completion = Completion
country = Country
verified-col = Verified
change = Change
no-change = no change
points = points
commitment = Commitment
open = Open the tracker
on-the-web = Read this digest on the web
why = You receive this because you subscribed to the Safeguards Digest.
manage = Choose countries, principles, language or frequency
unsubscribe = Unsubscribe
evidence = evidence
principles = principles
due = due
on = on
more-overdue = { $n ->
    [one] and { $n } more overdue milestone
   *[other] and { $n } more overdue milestones
}
days-late = { $n ->
    [one] { $n } day late
   *[other] { $n } days late
}
summary-verified = { $n ->
    [one] { $n } milestone verified
   *[other] { $n } milestones verified
}
summary-in-countries = { $n ->
    [one] in { $n } country
   *[other] in { $n } countries
}
summary-achieved = { $n ->
    [one] { $n } milestone achieved
   *[other] { $n } milestones achieved
}
summary-commitments = { $n ->
    [one] { $n } new commitment
   *[other] { $n } new commitments
}
summary-blocked = { $n ->
    [one] { $n } milestone blocked
   *[other] { $n } milestones blocked
}
summary-activities = { $n ->
    [one] { $n } activity
   *[other] { $n } activities
}
summary-overdue = { $n ->
    [one] { $n } milestone overdue
   *[other] { $n } milestones overdue
}
summary-rose = { $country }'s completion rose { $points } points
summary-fell = { $country }'s completion fell { $points } points
activity-convening = Convening
activity-workshop = Workshop
activity-dialogue = Dialogue
activity-commitment-letter = Commitment letter
activity-showcase = Showcase
activity-accelerator = Accelerator
activity-roadmap = Roadmap
activity-other = Activity
confirm-subject = Confirm your subscription to the Safeguards Digest
confirm-hello = Hello,
confirm-ask = Please confirm that you want to receive the Safeguards Digest:
confirm-button = Confirm my subscription
confirm-note = The link works for 48 hours. If you did not ask for this, ignore this mail and nothing will be sent to you.
your-milestones = Your milestones
your-milestones-note = Due within 14 days or overdue in your countries. Each link acts for you, once, for 14 days, without signing in: do not forward this mail.
link-action-progress = Report progress
link-action-block = Mark blocked
link-action-evidence = Add an evidence link
link-action-achieve = Mark achieved
overdue-since = overdue since

## The reminder a focal point receives.
reminder-subject = Milestones due or overdue ({ $week })
reminder-hello = Hello { $name },
reminder-intro = These milestones of your countries need attention:
reminder-links-note = { $days ->
    [one] Each link above works once, for { $days } day, without signing in, and only for you: do not forward this mail.
   *[other] Each link above works once, for { $days } days, without signing in, and only for you: do not forward this mail.
}
reminder-update = Update them in the tracker:
