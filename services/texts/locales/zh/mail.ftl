## The mails: the digest (HTML and text), the confirmation, the reminders.

digest = 保障措施简报
quiet = 自上期简报以来，您所关注的国家没有任何变化。
quiet-all = 自上期简报以来，没有国家报告任何变化。
colon = {"："}
achieved = 已达成
verified = 已核实
new-commitment = 新承诺
blocked = 受阻
overdue = 逾期
activity = 活动
completion = 完成率
country = 国家
verified-col = 已核实
change = 变化
no-change = 无变化
points = 个百分点
commitment = 承诺
open = 打开跟踪系统
on-the-web = 在网页上阅读本期简报
why = 您收到此邮件，是因为您订阅了保障措施简报。
manage = 选择国家、原则、语言或频率
unsubscribe = 退订
evidence = 证据
principles = 原则
due = 截止日期
on = 于
more-overdue = { $n ->
   *[other] 另有 { $n } 个逾期里程碑
}
days-late = { $n ->
   *[other] 逾期 { $n } 天
}
summary-verified = { $n ->
   *[other] { $n } 个里程碑已核实
}
summary-in-countries = { $n ->
   *[other] 涉及 { $n } 个国家
}
summary-achieved = { $n ->
   *[other] { $n } 个里程碑已达成
}
summary-commitments = { $n ->
   *[other] { $n } 项新承诺
}
summary-blocked = { $n ->
   *[other] { $n } 个里程碑受阻
}
summary-activities = { $n ->
   *[other] { $n } 项活动
}
summary-overdue = { $n ->
   *[other] { $n } 个里程碑逾期
}
summary-rose = { $country }的完成率上升了 { $points } 个百分点
summary-fell = { $country }的完成率下降了 { $points } 个百分点
activity-convening = 召集会议
activity-workshop = 讲习班
activity-dialogue = 对话
activity-commitment-letter = 承诺书
activity-showcase = 展示活动
activity-accelerator = 加速器
activity-roadmap = 路线图
activity-other = 活动
confirm-subject = 确认订阅保障措施简报
confirm-hello = 您好：
confirm-ask = 请确认您希望接收保障措施简报：
confirm-button = 确认订阅
confirm-note = 该链接 48 小时内有效。如果您并未提出此项请求，请忽略此邮件，我们不会向您发送任何内容。
your-milestones = 您的里程碑
your-milestones-note = 您所负责国家中 14 天内到期或已逾期的里程碑。每个链接均可代表您操作一次，有效期 14 天，无需登录：请勿转发此邮件。
link-action-progress = 报告进展
link-action-block = 标记为受阻
link-action-evidence = 添加证据链接
link-action-achieve = 标记为已达成
overdue-since = 逾期，始于

## The reminder a focal point receives.
reminder-subject = 即将到期或已逾期的里程碑（{ $week }）
reminder-hello = { $name }，您好：
reminder-intro = 您所负责国家的以下里程碑需要关注：
reminder-links-note = { $days ->
   *[other] 上述每个链接只能使用一次，有效期 { $days } 天，无需登录，且仅供您本人使用：请勿转发此邮件。
}
reminder-update = 请在跟踪系统中更新：
