## The spreadsheet round trip: headers, drop-downs, errors.

already = Recorded before
already-intro = This confirmation was sent before: these changes are recorded already, and nothing was recorded twice.
too-many = Too many changes at once: split the file and upload it in parts.
link = Work offline with a spreadsheet
title = Work offline
intro = Download the commitments and milestones of this country, edit them in a spreadsheet, and upload the file: you see exactly what would change, row by row, before anything is recorded. A row someone changed on the tracker after your download is left alone.
download-xlsx = Download the spreadsheet (XLSX)
download-csv = Download as CSV
upload = Upload the edited file
file = Spreadsheet file
file-hint = The .xlsx or .csv file downloaded here, at most 5 MB and 5,000 rows.
preview = Preview the changes
too-large = The file is larger than 5 MB.
preview-title = What this upload would change
col-row = Row
col-item = Commitment or milestone
col-change = Change
changes = Changes
conflicts = Conflicts
conflicts-intro = Changed on the tracker since your download; these rows are left alone:
unchanged = rows change nothing.
nothing = Nothing to record: every row says what the tracker says already.
confirm = Record these changes
errors-intro = Correct these cells and upload the file again; nothing was recorded.
result-title = The upload is recorded
applied = recorded
left-alone = Left alone
failed = Refused
expired = This preview no longer works: upload the file again.
again = Upload another file
revise = revise
reschedule = due date
unblock = unblock
start = start
progress = progress
evidence = add evidence
achieve = achieved
block = blocked
cancel = cancelled

## Why a file cannot be read.
not-spreadsheet = This file is not a spreadsheet: upload the .xlsx or .csv file downloaded from this page, edited.
too-many-rows = The file has { $rows } rows; at most { $max } are taken at once.
header-wrong = The first row must be the column names of the download: { $columns }.
cell-too-long = Row { $row } has a cell longer than { $max } characters.
too-many-columns = Row { $row } has more than { $max } columns.
too-much-text = The file holds more than { $megabytes } MB of text: upload the plan's rows only.
unreadable = The spreadsheet cannot be read: download it again, edit it and upload it.

## The downloaded workbook: a note on each column's name (the names stay as they are, for the
## upload), and the status column's list.
sheet-name = Plan
column-kind = “commitment” or “milestone”. Do not change it.
column-id = The row's id on the tracker. Do not change it.
column-version = The row's version when downloaded: a row changed on the tracker since is left alone. Do not change it.
column-commitment = The commitment a milestone belongs to.
column-title = A commitment's title, which may be changed here. A milestone keeps its title.
column-status = The milestone's status: choose it from the list.
column-percent = Progress, a whole number from 0 to 100.
column-due-on = The due date, as 2027-03-31. A new date needs a note saying why.
column-note = A note for this change: the reason when a milestone is blocked, cancelled or rescheduled.
column-evidence-title = The title of the evidence of an achievement.
column-evidence-url = The link to the evidence (http or https).
status-list-title = Status
status-list-message = Choose one of the list: { $choices }
