## A line of a country's recent history. Inserted: $title (a commitment's or milestone's title),
## $reason, $lead, $evidence (texts people wrote), $system, $stage, $from, $to, $kind (already
## named in the page's language), $due and $day (dates), $percent.

activity-engagement-opened = فُتحت المشاركة بقيادة { $lead }
activity-dpi-system-added = أُضيف نظام البنية التحتية العامة الرقمية { $system } في مرحلة { $stage }
activity-dpi-system-moved = نُقل نظام البنية التحتية العامة الرقمية { $system } من مرحلة { $from } إلى مرحلة { $to }
activity-activity-recorded = سُجّل نشاط من نوع { $kind }: { $title }
activity-focal-point-assigned = عُيّنت جهة اتصال
activity-focal-point-removed = أُزيلت جهة اتصال
activity-engagement-status-changed = تغيّرت حالة المشاركة من «{ $from }» إلى «{ $to }»
activity-engagement-published = نُشر السجل
activity-engagement-unpublished = أُلغي نشر السجل
activity-commitment-created = أُنشئ الالتزام «{ $title }»
activity-commitment-revised = نُقّح الالتزام «{ $title }»
activity-commitment-withdrawn = سُحب الالتزام «{ $title }»: { $reason }
activity-milestone-added = أُضيف المعلم «{ $title }»، وموعد استحقاقه { $due }
activity-milestone-started = بدأ العمل على المعلم «{ $title }»
activity-progress-reported = أُبلغ عن التقدم في المعلم «{ $title }»: { $percent }
activity-milestone-blocked = تعثّر المعلم «{ $title }»: { $reason }
activity-milestone-unblocked = استُؤنف العمل على المعلم «{ $title }»
activity-milestone-achieved = أُبلغ عن إنجاز المعلم «{ $title }»
activity-evidence-added = أُضيف دليل إلى المعلم «{ $title }»: { $evidence }
activity-evidence-file-attached = أُرفق مستند بالمعلم «{ $title }»: { $evidence }
activity-milestone-verified = تم التحقق من المعلم «{ $title }»
activity-verification-rejected = أُعيد المعلم «{ $title }» من التحقق: { $reason }
activity-milestone-rescheduled = أُعيدت جدولة المعلم «{ $title }» إلى { $day }
activity-milestone-cancelled = أُلغي المعلم «{ $title }»: { $reason }
