## A line of a country's recent history. Inserted: $title (a commitment's or milestone's title),
## $reason, $lead, $evidence (texts people wrote), $system, $stage, $from, $to, $kind (already
## named in the page's language), $due and $day (dates), $percent.

activity-engagement-opened = Engagement opened, led by { $lead }
activity-dpi-system-added = DPI system { $system } added at stage { $stage }
activity-dpi-system-moved = DPI system { $system } moved from { $from } to { $to }
activity-activity-recorded = { $kind } recorded: { $title }
activity-focal-point-assigned = Focal point assigned
activity-focal-point-removed = Focal point removed
activity-engagement-status-changed = Engagement status changed from { $from } to { $to }
activity-engagement-published = Record published
activity-engagement-unpublished = Record unpublished
activity-commitment-created = Commitment “{ $title }” made
activity-commitment-revised = Commitment “{ $title }” revised
activity-commitment-withdrawn = Commitment “{ $title }” withdrawn: { $reason }
activity-milestone-added = Milestone “{ $title }” added, due { $due }
activity-milestone-started = Milestone “{ $title }” started
activity-progress-reported = Milestone “{ $title }” at { $percent }
activity-milestone-blocked = Milestone “{ $title }” blocked: { $reason }
activity-milestone-unblocked = Milestone “{ $title }” unblocked
activity-milestone-achieved = Milestone “{ $title }” reported achieved
activity-evidence-added = Evidence added to milestone “{ $title }”: { $evidence }
activity-evidence-file-attached = Document attached to milestone “{ $title }”: { $evidence }
activity-milestone-verified = Milestone “{ $title }” verified
activity-verification-rejected = Milestone “{ $title }” sent back from verification: { $reason }
activity-milestone-rescheduled = Milestone “{ $title }” rescheduled to { $day }
activity-milestone-cancelled = Milestone “{ $title }” cancelled: { $reason }
