## Why a value or a step is refused: one message per code of the domain's and the use cases'
## refusals (`reason!("code", …)` in the Rust code). A value in a field comes after the field's
## name ("Title: must not be empty"), so these start in lower case.

## Values of a field.
required = 必填
empty = 不得为空
too-long = 不得超过 { $max } 个字符
too-short = 不得少于 { $min } 个字符
not-one-line = 必须为单行，且不含控制字符
control-characters = 含有控制字符
not-a-percent = 必须是 0 到 100 之间的整数
not-a-link = 必须是 http 或 https 链接，如 https://example.org/report.pdf
not-an-email = 不是有效的电子邮件地址（格式如 name@example.org）
not-a-date = “{ $value }”不是日期（格式如 2026-03-31）
not-a-week = “{ $value }”不是周（格式如 2026-W48）
not-an-id = “{ $value }”不是有效的 ID
not-a-country-code = “{ $value }”不是三字母国家代码（ISO 3166-1 alpha-3）
not-a-country = “{ $value }”不是 ISO 3166-1 所列的国家
not-a-process-ref = “{ $value }”不是流程编号（格式如 O3.7）
not-a-process = { $process } 不是框架目录 { $catalogue } 中的流程
unknown-code = “{ $value }”不是以下值之一：{ $choices }
unknown-word = “{ $value }”不是以下值之一：{ $choices }
out-range = 超出范围
not-account-s-password = 不是该账户的密码
too-many-items = 最多只能有 { $max } 项

## Accounts.
account-disabled = 该账户已停用
account-not-disabled = 该账户未停用
account-e-mail-address-already = 使用此电子邮件地址的账户已存在
account-already-role-countries = 该账户已具有此角色和这些国家
account-act-countries-already = 该账户已可在这些国家开展操作
admin-cannot-disable-account = 管理员不能停用自己的账户
least-one-enabled-admin-must = 必须至少保留一个已启用的管理员：请先将另一个账户设为管理员
role-may-not = “{ $role }”角色无权执行此操作
not-your-country = 联络人只能在其负责的国家开展操作，而 { $country } 不在其中

## Engagements.
engagement-closed = 该参与已结束
country-engagement-closed = 与 { $country } 的参与已结束
engagement-already-open = 与 { $country } 的参与已经启动
engagement-already-published = 该记录已公布
engagement-not-published = 该记录尚未公布
engagement-status-not-allowed = 参与状态不能从“{ $from }”变为“{ $to }”
dpi-system-already-tracked = “{ $system }”系统已在跟踪中
dpi-system-already-at-stage = “{ $system }”系统已处于“{ $stage }”阶段
dpi-system-twice = “{ $system }”系统列出了两次
account-already-focal-point-engagement = 该账户已是此参与的联络人
enabled-focal-point-account-focal = 只有已启用的联络人账户才能担任联络人

## Commitments and plans.
commitment-already-exists = 该承诺已存在
commitment-withdrawn = 该承诺已撤回
commitment-needs-least-one-principle = 承诺须至少对应一项原则
revision-changes-nothing-give-least = 此次修订未作任何更改：请至少为一个字段提供新值
choose-least-one-process-plan = 请为计划至少选择一个流程
plan-too-large = 一项计划最多包含 { $max } 项承诺

## Milestones.
milestone-already-exists = 该里程碑已存在
milestone-step-not-allowed = 状态为“{ $status }”的里程碑不能执行此操作：{ $step }
achievement-needs-least-one-piece = 达成须附至少一项证据：链接或附加的文件
evidence-link-recorded-already = 此证据链接已记录
achievement-must-verified-someone-other = 达成必须由报告者以外的人员核实
milestone-already-due-date = 该里程碑的截止日期已是该日期
kept-changing = 提交期间该记录不断发生更改：请重试

## The spreadsheet's rows.
sheet-id-twice = 此 ID 已在第 { $first } 行出现：每个 ID 只能占一行
sheet-no-such-milestone = { $country } 没有此 ID 的里程碑：不能在此添加行
sheet-no-such-commitment = { $country } 没有此 ID 的承诺：不能在此添加行
sheet-changed-since = 自您下载以来已在跟踪系统中更改，该行保持不变：请重新下载后再编辑
sheet-you-not-revise-commitments-country = 您无权修订该国的承诺
sheet-must-commitment-or-milestone = 必须为“commitment”或“milestone”
sheet-must-number-download-gave-row = 必须是下载时为该行提供的编号
sheet-milestone-keeps-title-commitment-s = 里程碑的标题不可更改；此处只能更改承诺的标题
sheet-verification-done-tracker-someone-other = 核实须在跟踪系统中进行，并由报告者以外的人员执行
sheet-give-evidence-link-title = 请为证据链接提供标题
sheet-say-why-rescheduled = 请在说明中写明截止日期变更的原因
sheet-say-why-blocked = 请在说明中写明受阻的原因
sheet-say-why-cancelled = 请在说明中写明取消的原因
sheet-keeps-due-date = 状态为“{ $status }”的里程碑不能更改截止日期
sheet-no-progress = 状态为“{ $status }”的里程碑不接受进展报告
sheet-achievement-needs-new-evidence-link = 达成需要新的证据链接及其标题
sheet-verified-milestone-does-not-change = 已核实的里程碑不能在此更改
sheet-cancelled-milestone-does-not-change = 已取消的里程碑不能在此更改
sheet-achievement-sent-back-verifier-tracker = 达成由核实者在跟踪系统中退回
sheet-status-not-allowed = 不能从“{ $from }”变为“{ $to }”
sheet-milestone-takes-no-more-evidence = 此里程碑不再接受更多证据
commitment-row-revises-title-due = 承诺行只能修订其标题和截止日期
milestone-row-does-not-revise = 里程碑行不能修订承诺

## Subscriptions.
subscription-already-confirmed = 订阅已确认
subscriber-unsubscribed = 此地址已退订
already-unsubscribed = 已退订
confirmation-link-invalid-or-expired = 确认链接无效或已过期：请重新订阅
no-pending-subscription-confirm = 没有待确认的订阅

## The tracker's own work (reminders and the digest's deliveries); seldom shown to a person.
focal-point-reminded-milestone-week = 本周已就此里程碑提醒过该联络人
reminder-not-recorded = 此提醒未记录
digest-already-composed = { $period } 期简报已编制
digest-already-completed = 简报已完成
digest-already-delivered = 简报已投递
delivery-given-up = 已放弃投递
another-worker-holds-delivery = 另一进程正在处理此投递
next-attempt-not-due-yet = 尚未到下一次尝试的时间
delivery-already-settled = 投递已处理完毕
delivery-not-held = 第 { $attempt } 次尝试不再持有此投递
range-positions-ends-before-starts = 位置范围的结束早于开始

## The confirmation of an upload.
sheet-left-with-row = 与所在行的其余内容一同保持不变
sheet-changed-meanwhile = 自您下载以来已在跟踪系统中更改；保持不变
sheet-store-down = 未记录：跟踪系统目前无法记录；请稍后重新上传文件
sheet-refused = 已拒绝

## Signing in: second factors and the organisation's account.
second-factor-already = 该账户已设置第二验证因素
no-second-factor = 该账户未设置第二验证因素
wrong-code = 这不是当前的验证码
enrolment-expired = 不属于该账户正在进行的第二验证因素设置；请重新开始
organisation-linked-other = 该账户已关联到该组织的另一个身份
organisation-not-linked = 该账户未关联到该组织
organisation-sign-in-only = 此账户使用组织账户登录，而非密码
organisation-unverified = 组织尚未验证此电子邮件地址
organisation-no-account = 没有为此地址邀请的账户
organisation-refused = 身份提供方的答复无法证明登录者的身份

## Evidence documents.
not-a-sha256 = 必须为 64 位小写十六进制数字
document-empty = 文件为空
document-type-not-accepted = 不接受此类文件；接受的格式为 { $kinds }
document-markup = 不接受网页及其他标记语言文件；请将网页另存为 PDF
document-unpacks-too-large = 该文件解压后将远大于其本身大小，因此不予接受
evidence-file-attached-already = 此文件已附加到该里程碑
document-macros = 不接受含宏的文件；请另存为不含宏的文件
upload-unreadable = 上传中断或无法读取；未保存任何内容
