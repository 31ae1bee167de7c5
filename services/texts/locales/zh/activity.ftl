## A line of a country's recent history. Inserted: $title (a commitment's or milestone's title),
## $reason, $lead, $evidence (texts people wrote), $system, $stage, $from, $to, $kind (already
## named in the page's language), $due and $day (dates), $percent.

activity-engagement-opened = 已启动参与，牵头方：{ $lead }
activity-dpi-system-added = 已添加数字公共基础设施系统 { $system }，所处阶段：{ $stage }
activity-dpi-system-moved = 数字公共基础设施系统 { $system } 已从“{ $from }”移至“{ $to }”
activity-activity-recorded = 已记录{ $kind }：{ $title }
activity-focal-point-assigned = 已指派联络人
activity-focal-point-removed = 已移除联络人
activity-engagement-status-changed = 参与状态已从“{ $from }”更改为“{ $to }”
activity-engagement-published = 记录已发布
activity-engagement-unpublished = 记录已取消发布
activity-commitment-created = 已作出承诺“{ $title }”
activity-commitment-revised = 承诺“{ $title }”已修订
activity-commitment-withdrawn = 承诺“{ $title }”已撤回：{ $reason }
activity-milestone-added = 已添加里程碑“{ $title }”，截止日期为 { $due }
activity-milestone-started = 里程碑“{ $title }”已开始
activity-progress-reported = 里程碑“{ $title }”进展达到 { $percent }
activity-milestone-blocked = 里程碑“{ $title }”受阻：{ $reason }
activity-milestone-unblocked = 里程碑“{ $title }”已解除受阻
activity-milestone-achieved = 里程碑“{ $title }”已报告达成
activity-evidence-added = 已为里程碑“{ $title }”添加证据：{ $evidence }
activity-evidence-file-attached = 已为里程碑“{ $title }”附加文件：{ $evidence }
activity-milestone-verified = 里程碑“{ $title }”已核实
activity-verification-rejected = 里程碑“{ $title }”核实时退回：{ $reason }
activity-milestone-rescheduled = 里程碑“{ $title }”已改期至 { $day }
activity-milestone-cancelled = 里程碑“{ $title }”已取消：{ $reason }
