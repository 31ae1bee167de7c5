## The pages an action link opens.

add-evidence = Add an evidence link
milestone = Milestone
acting-as = What you send is recorded under your name:
done = Recorded, thank you
done-text = The milestone is updated. This link has done its work and will not record anything again.
broken = This link does not work
broken-text = Check that the whole link was copied from the mail, or update the milestone on the tracker.
expired = This link has expired
expired-text = Links in reminders work for 14 days. The next reminder brings new ones, or update the milestone on the tracker.
used = This link has been used already
used-text = It works once, and nothing more was recorded. Open the milestone on the tracker to see it.
changed = The milestone changed after this mail was sent
changed-text = Someone updated it since, so this link records nothing. Open the milestone on the tracker to see what changed.
not-allowed = This link no longer works for you
not-allowed-text = The account was disabled or signed out everywhere, or may no longer update milestones in this country. Nothing was recorded.
open-milestone = Open the milestone on the tracker
