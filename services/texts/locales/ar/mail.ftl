## الرسائل: النشرة (HTML ونص)، والتأكيد، والتذكيرات.

digest = نشرة الضمانات
quiet = لم يتغير شيء في بلدانك منذ آخر نشرة تلقيتها.
quiet-all = لم يُبلغ أي بلد عن تغيير منذ النشرة السابقة.
colon = {": "}
achieved = منجز
verified = تم التحقق منه
new-commitment = التزام جديد
blocked = متعثر
overdue = متأخر
activity = نشاط
completion = نسبة الاكتمال
country = البلد
verified-col = تم التحقق منها
change = التغيير
no-change = لا تغيير
points = نقطة
commitment = الالتزام
open = فتح أداة التتبع
on-the-web = قراءة هذه النشرة على الويب
why = تصلك هذه الرسالة لأنك مشترك في نشرة الضمانات.
manage = اختيار البلدان أو المبادئ أو اللغة أو تواتر الإرسال
unsubscribe = إلغاء الاشتراك
evidence = دليل
principles = المبادئ
due = موعد الاستحقاق
on = في
more-overdue = { $n ->
    [zero] ولا توجد معالم متأخرة أخرى
    [one] ومعلم آخر متأخر
    [two] ومعلمان آخران متأخران
    [few] و{ $n } معالم أخرى متأخرة
    [many] و{ $n } معلمًا آخر متأخرًا
   *[other] و{ $n } معلم آخر متأخر
}
days-late = { $n ->
    [zero] تأخير { $n } يوم
    [one] تأخير يوم واحد
    [two] تأخير يومين
    [few] تأخير { $n } أيام
    [many] تأخير { $n } يومًا
   *[other] تأخير { $n } يوم
}
summary-verified = { $n ->
    [zero] لم يتم التحقق من أي معلم
    [one] تم التحقق من معلم واحد
    [two] تم التحقق من معلمين
    [few] تم التحقق من { $n } معالم
    [many] تم التحقق من { $n } معلمًا
   *[other] تم التحقق من { $n } معلم
}
summary-in-countries = { $n ->
    [zero] في { $n } بلد
    [one] في بلد واحد
    [two] في بلدين
    [few] في { $n } بلدان
    [many] في { $n } بلدًا
   *[other] في { $n } بلد
}
summary-achieved = { $n ->
    [zero] لم يتم إنجاز أي معلم
    [one] تم إنجاز معلم واحد
    [two] تم إنجاز معلمين
    [few] تم إنجاز { $n } معالم
    [many] تم إنجاز { $n } معلمًا
   *[other] تم إنجاز { $n } معلم
}
summary-commitments = { $n ->
    [zero] لا التزامات جديدة
    [one] التزام جديد واحد
    [two] التزامان جديدان
    [few] { $n } التزامات جديدة
    [many] { $n } التزامًا جديدًا
   *[other] { $n } التزام جديد
}
summary-blocked = { $n ->
    [zero] لا معالم متعثرة
    [one] معلم واحد متعثر
    [two] معلمان متعثران
    [few] { $n } معالم متعثرة
    [many] { $n } معلمًا متعثرًا
   *[other] { $n } معلم متعثر
}
summary-activities = { $n ->
    [zero] لا أنشطة
    [one] نشاط واحد
    [two] نشاطان
    [few] { $n } أنشطة
    [many] { $n } نشاطًا
   *[other] { $n } نشاط
}
summary-overdue = { $n ->
    [zero] لا معالم متأخرة
    [one] معلم واحد متأخر
    [two] معلمان متأخران
    [few] { $n } معالم متأخرة
    [many] { $n } معلمًا متأخرًا
   *[other] { $n } معلم متأخر
}
summary-rose = ارتفعت نسبة الاكتمال في { $country } بمقدار { $points } نقطة
summary-fell = انخفضت نسبة الاكتمال في { $country } بمقدار { $points } نقطة
activity-convening = اجتماع
activity-workshop = حلقة عمل
activity-dialogue = حوار
activity-commitment-letter = رسالة التزام
activity-showcase = فعالية عرض
activity-accelerator = برنامج تسريع
activity-roadmap = خارطة طريق
activity-other = نشاط
confirm-subject = تأكيد اشتراكك في نشرة الضمانات
confirm-hello = مرحبًا،
confirm-ask = يرجى تأكيد رغبتك في تلقي نشرة الضمانات:
confirm-button = تأكيد اشتراكي
confirm-note = يظل الرابط صالحًا لمدة 48 ساعة. وإذا لم تطلب ذلك، فتجاهل هذه الرسالة ولن يُرسل إليك أي شيء.
your-milestones = معالمك
your-milestones-note = المعالم المستحقة خلال 14 يومًا أو المتأخرة في بلدانك. ويتصرف كل رابط نيابةً عنك، مرة واحدة، لمدة 14 يومًا، دون الحاجة إلى تسجيل الدخول: لا تُعِد توجيه هذه الرسالة.
link-action-progress = الإبلاغ عن التقدم
link-action-block = الإبلاغ عن تعثر
link-action-evidence = إضافة رابط دليل
link-action-achieve = الإبلاغ عن الإنجاز
overdue-since = متأخر منذ

## The reminder a focal point receives.
reminder-subject = معالم حان موعدها أو تأخرت ({ $week })
reminder-hello = مرحبًا { $name }،
reminder-intro = تحتاج معالم بلدانك التالية إلى اهتمامك:
reminder-links-note = { $days ->
    [zero] يعمل كل رابط أعلاه مرة واحدة، دون تسجيل الدخول، ولك وحدك: لا تُعِد توجيه هذه الرسالة.
    [one] يعمل كل رابط أعلاه مرة واحدة، لمدة يوم واحد ({ $days })، دون تسجيل الدخول، ولك وحدك: لا تُعِد توجيه هذه الرسالة.
    [two] يعمل كل رابط أعلاه مرة واحدة، لمدة يومين ({ $days })، دون تسجيل الدخول، ولك وحدك: لا تُعِد توجيه هذه الرسالة.
    [few] يعمل كل رابط أعلاه مرة واحدة، لمدة { $days } أيام، دون تسجيل الدخول، ولك وحدك: لا تُعِد توجيه هذه الرسالة.
    [many] يعمل كل رابط أعلاه مرة واحدة، لمدة { $days } يومًا، دون تسجيل الدخول، ولك وحدك: لا تُعِد توجيه هذه الرسالة.
   *[other] يعمل كل رابط أعلاه مرة واحدة، لمدة { $days } يوم، دون تسجيل الدخول، ولك وحدك: لا تُعِد توجيه هذه الرسالة.
}
reminder-update = حدّثها في أداة التتبع:
