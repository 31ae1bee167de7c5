## The spreadsheet round trip: headers, drop-downs, errors.

already = 此前已记录
already-intro = 此确认此前已发送：这些更改已经记录，未重复记录任何内容。
too-many = 一次更改过多：请拆分文件，分批上传。
link = 使用电子表格离线工作
title = 离线工作
intro = 下载该国的承诺和里程碑，在电子表格中编辑，然后上传文件：在记录任何内容之前，您可以逐行查看将发生的确切更改。您下载后有人在跟踪系统中更改过的行将保持不变。
download-xlsx = 下载电子表格（XLSX）
download-csv = 下载为 CSV
upload = 上传编辑后的文件
file = 电子表格文件
file-hint = 从此处下载的 .xlsx 或 .csv 文件，不超过 5 MB 和 5,000 行。
preview = 预览更改
too-large = 文件大于 5 MB。
preview-title = 此次上传将作出的更改
col-row = 行
col-item = 承诺或里程碑
col-change = 更改
changes = 更改
conflicts = 冲突
conflicts-intro = 自您下载以来已在跟踪系统中更改；这些行保持不变：
unchanged = 行无任何更改。
nothing = 没有需要记录的内容：每一行都与跟踪系统中的现有内容一致。
confirm = 记录这些更改
errors-intro = 请更正这些单元格并重新上传文件；未记录任何内容。
result-title = 上传内容已记录
applied = 已记录
left-alone = 保持不变
failed = 已拒绝
expired = 此预览已失效：请重新上传文件。
again = 上传另一个文件
revise = 修订
reschedule = 截止日期
unblock = 解除受阻
start = 开始
progress = 进展
evidence = 添加证据
achieve = 已达成
block = 受阻
cancel = 已取消

## Why a file cannot be read.
not-spreadsheet = 此文件不是电子表格：请上传从本页面下载并经编辑的 .xlsx 或 .csv 文件。
too-many-rows = 文件有 { $rows } 行；一次最多接受 { $max } 行。
header-wrong = 第一行必须是下载文件中的列名：{ $columns }。
cell-too-long = 第 { $row } 行有单元格超过 { $max } 个字符。
too-many-columns = 第 { $row } 行超过 { $max } 列。
too-much-text = 文件包含超过 { $megabytes } MB 的文本：请仅上传计划中的行。
unreadable = 无法读取该电子表格：请重新下载，编辑后再上传。

## The downloaded workbook: a note on each column's name (the names stay as they are, for the
## upload), and the status column's list.
sheet-name = 计划
column-kind = “commitment”或“milestone”。请勿更改。
column-id = 该行在跟踪系统中的 ID。请勿更改。
column-version = 下载时该行的版本：此后在跟踪系统中更改过的行将保持不变。请勿更改。
column-commitment = 里程碑所属的承诺。
column-title = 承诺的标题，可在此更改。里程碑的标题保持不变。
column-status = 里程碑的状态：请从列表中选择。
column-percent = 进展，0 到 100 之间的整数。
column-due-on = 截止日期，格式如 2027-03-31。新日期须附说明，写明原因。
column-note = 此项更改的说明：里程碑受阻、取消或改期时的原因。
column-evidence-title = 达成证据的标题。
column-evidence-url = 证据链接（http 或 https）。
status-list-title = 状态
status-list-message = 请从列表中选择一项：{ $choices }
