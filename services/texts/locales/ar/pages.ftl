## الصفحات: التنقل، ولوحة المتابعة، والبلدان، والالتزامات، والمعالم، وتسجيل الدخول، والحساب، والإدارة.

skip = الانتقال إلى المحتوى
nav-dashboard = لوحة المتابعة
nav-digest = النشرة
nav-api = API
sign-in = تسجيل الدخول
languages = اللغة
digits-label = الأرقام في الصفحات العربية
dashboard-title = البلدان وضماناتها
overdue-word = متأخرة
completion-note = نسبة الاكتمال هي المعالم التي تم التحقق منها من بين المعالم غير الملغاة.
col-country = البلد
col-status = الحالة
col-commitments = الالتزامات
col-completion = نسبة الاكتمال
col-overdue = المتأخرة
col-last = آخر تغيير
heat-title = الالتزامات حسب المبدأ والبلد
heat-help = تبيّن كل خلية عدد التزامات البلد في إطار المبدأ؛ وكلما كان اللون أدكن كان العدد أكبر.
col-principle = المبدأ
status-label = الحالة
dpi-systems = نظم البنية التحتية العامة الرقمية
none-tracked = لا توجد نظم متابَعة حتى الآن.
system = النظام
stage = المرحلة
over-time = المعالم على مر الزمن
commitments-title = الالتزامات
fulfilled = تم الوفاء به
principles = المبادئ
authority = الجهة
due = موعد الاستحقاق
blocked-label = متعثر
history = آخر الأحداث
start = بدء
report-progress = الإبلاغ عن التقدم
percent = النسبة المئوية
note = ملاحظة
block = الإبلاغ عن تعثر
reason = السبب
unblock = استئناف
report-achieved = الإبلاغ عن الإنجاز
evidence = الدليل
evidence-link = رابط الدليل
verify = التحقق
send-back = إعادة
email = عنوان البريد الإلكتروني
password = كلمة المرور
account-title = حسابك
name = الاسم
role = الدور
countries-label = البلدان
none = لا شيء
sign-out = تسجيل الخروج
back = رجوع
wrong-login = البريد الإلكتروني غير معروف أو كلمة المرور غير صحيحة.
form-expired = انتهت صلاحية النموذج؛ يرجى المحاولة مرة أخرى.
burnup-legend = الخط المتقطع: جميع المعالم. الأزرق: المعالم المنجزة أو التي تم التحقق منها. الأخضر: المعالم التي تم التحقق منها.
no-milestones = لا توجد معالم حتى الآن.
revise = حفظ التغييرات
withdraw = سحب
title-label = العنوان
due-date = موعد الاستحقاق
api-title = واجهة API لأداة تتبع الضمانات
api-document = المستند المقروء آليًا متاح على
api-method = الطريقة
api-route = المسار
api-what = الوظيفة
sub-title = الاشتراك في نشرة الضمانات
sub-intro = رسالة أسبوعية بما تغيّر في البلدان التي تتابعها.
sub-email = عنوان البريد الإلكتروني
sub-name = الاسم (اختياري)
sub-countries = البلدان (رموز ISO مفصولة بفواصل؛ يُترك فارغًا لجميع البلدان)
sub-language = اللغة
sub-button = اشتراك
sub-check-mail = تحقق من بريدك
sub-link-on-its-way = إذا كان بإمكان هذا العنوان تلقي النشرة، فإن رابط التأكيد في طريقه إليك. ويظل الرابط صالحًا لمدة 48 ساعة.
sub-check-form = يرجى مراجعة النموذج
sub-back-to-form = العودة إلى النموذج
sub-went-wrong = حدث خطأ ما
sub-try-again = يرجى المحاولة مرة أخرى بعد قليل.
sub-confirmed = تم تأكيد الاشتراك
sub-confirmed-text = ستتلقى نشرة الضمانات. ويتضمن كل عدد من النشرة رابطًا لإلغاء الاشتراك.
link-broken = هذا الرابط لا يعمل
link-expired = الرابط غير صالح أو انتهت صلاحيته.
sub-again = الاشتراك مجددًا
unsub-title = إلغاء الاشتراك في نشرة الضمانات
unsub-button = إلغاء الاشتراك
unsub-done = تم إلغاء اشتراكك
unsub-done-text = لن تُرسل إليك أي نشرات بعد الآن.
manage-title = نشرة الضمانات الخاصة بك
save = حفظ
manage-saved = تم حفظ التفضيلات
manage-saved-text = ستتبع أعداد النشرة القادمة اختياراتك الجديدة.
failed = تعذّر إتمام العملية
no-such = غير موجود
no-such-engagement = لا توجد مشاركة مفتوحة مع هذا البلد.
no-such-milestone = المعلم غير موجود.
no-such-commitment = الالتزام غير موجود.
too-many = محاولات كثيرة جدًا
sub-confirm-title = تأكيد اشتراكك
sub-confirm-text = خطوة أخيرة: أكّد أنك تريد تلقي نشرة الضمانات على هذا العنوان.
sub-confirm-button = تأكيد
password-title = تغيير كلمة المرور
password-current = كلمة المرور الحالية
password-new = كلمة المرور الجديدة (10 أحرف على الأقل)
password-button = تغيير كلمة المرور
password-changed = تم تغيير كلمة المرور، وتم تسجيل الخروج من جميع الجلسات الأخرى لحسابك.
password-change-first = أُنشئت كلمة المرور هذه نيابةً عنك: اختر كلمة مرورك الخاصة قبل أي شيء آخر.
sub-principles = المبادئ
sub-principles-hint = لا تختر أي مبدأ إذا أردت متابعة جميع المبادئ.
sub-frequency = تواتر الإرسال
weekly = كل أسبوع
monthly = مرة في الشهر
archive-title = أرشيف نشرة الضمانات
archive-intro = جميع أعداد النشرة كما أُرسلت، لجميع البلدان. تابعها في قارئ الموجزات:
archive-feed = موجز Atom
archive-empty = لم يُرسل أي عدد من النشرة حتى الآن.
archive-composed = أُعدّ في
archive-all = جميع أعداد النشرة
archive-missing = لا يوجد عدد من النشرة لتلك الفترة.
suppressed-note = رفض خادم البريد لهذا العنوان النشرات ثلاث مرات متتالية، لذا توقف إرسالها إليه. اشترك مجددًا بالعنوان نفسه لتلقيها.
reschedule = إعادة الجدولة
cancel-milestone = إلغاء المعلم
new-due-date = موعد الاستحقاق الجديد
optional = اختياري
error-word = خطأ
there-is-a-problem = توجد مشكلة
done-word = تم
progress-label = التقدم
sent-back-label = أُعيد
cancelled-label = ملغى
last-note = آخر ملاحظة
reported-by = أبلغ عن إنجازه
verified-by = تحقق منه
evidence-none = لا توجد أدلة حتى الآن.
your-actions = الإجراءات المتاحة لك
own-achievement = أنت من أبلغ عن هذا الإنجاز، لذا يتحقق منه شخص آخر.
nothing-to-do = لا يوجد ما يلزمك القيام به بشأن هذا المعلم حاليًا.
col-when = الوقت
col-who = الشخص
col-what = الحدث
changed-meanwhile = قام شخص آخر بتغيير هذا في الأثناء. تعرض الصفحة الآن حالته الراهنة: راجعها، ثم أعد الإرسال.
no-commitments = لا توجد التزامات حتى الآن.
withdrawn-word = مسحوب
next-due = الاستحقاق التالي في { $day }
col-milestone = المعلم
all-milestones = جميع معالم هذا الالتزام
more-open = أخرى مفتوحة
pages-label = الصفحات
previous = السابق
next = التالي
page-word = الصفحة
add-milestone = إضافة معلم
risks-label = المخاطر
authority-label = الجهة المسؤولة
processes-label = عمليات الإطار
milestones-title = المعالم
review-title = في انتظار التحقق
review-count = معالم أُبلغ عن إنجازها في البلدان التي يمكنك التحقق فيها.
review-empty = لا يوجد ما ينتظر التحقق.
send-back-with-reason = إعادة مع ذكر السبب
work-title = مهامي
work-no-countries = ليست لديك بلدان لتحديثها.
work-overdue = متأخرة
work-soon = مستحقة خلال 14 يومًا
work-blocked = متعثرة
work-returned = أُعيدت من التحقق
work-none = لا شيء.
nav-work = مهامي
nav-review = للتحقق
new-commitment = التزام جديد
record-activity = تسجيل نشاط
add-dpi-system = إضافة نظام للبنية التحتية العامة الرقمية
move-dpi-system = نقل نظام للبنية التحتية العامة الرقمية إلى مرحلة أخرى
change-status = تغيير الحالة
assign-focal-point = تعيين جهة اتصال
remove-focal-point = إزالة جهة اتصال
description = الوصف
processes-hint = عمليات الإطار (مثل F8.1 وO3.7)
activity-kind = النوع
held-on = تاريخ الانعقاد
authorities-label = الجهات المسؤولة
new-stage = المرحلة الجديدة
account-label = الحساب
focal-points-label = جهات الاتصال
activities-title = الأنشطة
open-engagement = فتح مشاركة
open-engagement-intro = اختر البلد ومن يقود المشاركة. وتُضاف نظم البنية التحتية العامة الرقمية والأنشطة والالتزامات من صفحة البلد.
may-not = لا يسمح لك دورك بذلك.
lead-label = بقيادة
started-on = تاريخ البدء
administration = الإدارة
accounts-title = الحسابات
subscribers-title = المشتركون
digests-title = أعداد النشرة
create-account = إنشاء حساب
create-account-hint = تُنشأ كلمة مرور للحساب وتُعرض مرة واحدة: سلّمها إلى صاحب الحساب، الذي يغيّرها من صفحة حسابه.
change-role = تغيير الدور
disable = تعطيل
enable = تفعيل
erase = محو
erase-hint = يُمحى العنوان والاسم نهائيًا؛ ولا يبقى لهما أي أثر فيما أُرسل.
send-now = إرسال النشرة الآن
send-now-hint = يُرسل عدد هذه الفترة من النشرة إلى كل مشترك يستحقه؛ ولا يتلقاه أحد مرتين.
countries-codes = البلدان (رموز ISO، مفصولة بفواصل)
account-created = تم إنشاء الحساب:
one-time-password = كلمة المرور الخاصة به، معروضة هذه المرة فقط:
disabled-word = معطَّل
enabled-word = مفعَّل
subscribers-count = مشتركين.
erased-word = ممحو
all-word = الكل
period-word = الفترة
recipients-word = المستلمون
sent-word = مُرسلة
failed-word = فاشلة
pending-word = متبقية للإرسال
still-sending = لا يزال إرسال النشرة جاريًا؛ وتعرض هذه الصفحة الأعداد أولًا بأول.
preview-title = معاينة
preview-button = معاينة النشرة
show-word = عرض
status-planned = مخطط له
status-in-progress = قيد الإنجاز
status-blocked = متعثر
status-achieved = منجز
status-verified = تم التحقق منه
status-cancelled = ملغى
status-exploring = قيد الاستكشاف
status-committed = ملتزم
status-implementing = قيد التنفيذ
status-paused = متوقف مؤقتًا
status-closed = مغلق
role-admin = مشرف النظام
role-programme-manager = مدير البرنامج
role-focal-point = جهة الاتصال
role-viewer = مطّلع
event-milestone-added = أُضيف
event-milestone-started = بدأ
event-progress-reported = أُبلغ عن التقدم
event-milestone-blocked = تعثّر
event-milestone-unblocked = استُؤنف
event-milestone-achieved = أُبلغ عن إنجازه
event-evidence-added = أُضيف دليل
event-evidence-file-attached = أُرفق مستند
event-milestone-verified = تم التحقق منه
event-verification-rejected = أُعيد من التحقق
event-milestone-rescheduled = أُعيدت جدولته
event-milestone-cancelled = أُلغي
event-commitment-created = أُنشئ
event-commitment-revised = نُقّح
event-commitment-withdrawn = سُحب
event-other = عُدّل

## The language's own name, in the language switch.
language-name = العربية

## The dashboard's summary, one clause per count, joined by list-separator.
summary-countries = { $n ->
    [zero] لا بلدان
    [one] بلد واحد
    [two] بلدان اثنان
    [few] { $n } بلدان
    [many] { $n } بلدًا
   *[other] { $n } بلد
}
summary-commitments = { $n ->
    [zero] لا التزامات
    [one] التزام واحد
    [two] التزامان
    [few] { $n } التزامات
    [many] { $n } التزامًا
   *[other] { $n } التزام
}
summary-verified = تم التحقق من { $verified } من أصل { $counted } من المعالم ({ $percent })
summary-overdue = { $n ->
    [zero] لا معالم متأخرة
    [one] معلم واحد متأخر
    [two] معلمان متأخران
    [few] { $n } معالم متأخرة
    [many] { $n } معلمًا متأخرًا
   *[other] { $n } معلم متأخر
}
# The product's name: page titles, the header, citations.
tracker-name = أداة تتبع الضمانات

## Whole sentences of the country, public country, work and chart pages.
engagement-led-since = المشاركة بقيادة { $lead }، منذ { $day }.
completion-line = المعالم التي تم التحقق منها: { $percent }؛ المتأخرة: { $overdue }.
public-completion-line = المعالم التي تم التحقق منها: { $percent }.
milestone-counts = المعالم: { $total } — تم التحقق منها: { $verified }، في انتظار التحقق: { $achieved }، المتأخرة: { $overdue }
shown-of-total = { $shown } من أصل { $total }
burnup-title = المخطط التراكمي منذ { $start }: المعالم { $total }، المنجزة أو التي تم التحقق منها { $done }، التي تم التحقق منها { $verified }

## Second factor, sessions and the organisation's sign-in (the account page, sign-in, admins).
second-factor-title = العامل الثاني للمصادقة
second-factor-on = يحمي هذا الحساب عاملٌ ثانٍ للمصادقة: عند تسجيل الدخول بكلمة المرور يُطلب أيضًا رمز من تطبيق المصادقة لديك.
recovery-codes-left = { $count ->
    [zero] لم يتبقَّ أي رمز استرداد.
    [one] تبقّى رمز استرداد واحد.
    [two] تبقّى رمزا استرداد.
    [few] تبقّت { $count } رموز استرداد.
    [many] تبقّى { $count } رمزَ استرداد.
   *[other] تبقّى { $count } رمز استرداد.
}
second-factor-off = ليس لهذا الحساب عامل ثانٍ للمصادقة: تكفي كلمة مرور مسروقة لتسجيل الدخول باسمك.
second-factor-set-up = إعداد عامل ثانٍ للمصادقة
second-factor-required = يتطلب دورك عاملًا ثانيًا للمصادقة: أعدّه قبل أي شيء آخر.
second-factor-steps = افتح تطبيق مصادقة على هاتفك (مثل FreeOTP أو Aegis أو Google Authenticator أو Microsoft Authenticator)، وأضف حسابًا، ثم امسح رمز QR أو اكتب المفتاح السري. وبعد ذلك أدخل الرمز المكوّن من ستة أرقام الذي يعرضه التطبيق.
second-factor-secret = المفتاح السري المطلوب كتابته
second-factor-qr = رمز QR للمفتاح السري
second-factor-code = الرمز الظاهر في التطبيق
second-factor-confirm = تأكيد
second-factor-enrolled = تم إعداد العامل الثاني للمصادقة. احتفظ برموز الاسترداد هذه في مكان آمن بعيدًا عن هاتفك: يتيح لك كل منها تسجيل الدخول مرة واحدة إذا فُقد الهاتف. ولن تُعرض إلا الآن.
recovery-codes-title = رموز الاسترداد
second-factor-wrong-code = هذا ليس الرمز الحالي. تحقق من ضبط ساعة الهاتف، ثم أدخل أحدث رمز.
sign-in-code-title = أدخل الرمز
sign-in-code-hint = أدخل الرمز المكوّن من ستة أرقام من تطبيق المصادقة، أو أحد رموز الاسترداد الخاصة بك.
code-refused = هذا الرمز غير صحيح أو سبق استخدامه.
sessions-title = الجلسات التي سجّلت فيها الدخول
sessions-when = وقت تسجيل الدخول
sessions-how = الطريقة
sessions-none = لا توجد جلسة مفتوحة.
sessions-end-all = إنهاء جميع الجلسات
method-password = كلمة المرور
method-password-and-code = كلمة المرور والرمز
method-password-and-recovery-code = كلمة المرور ورمز الاسترداد
method-organisation = حساب المؤسسة
reset-second-factor = إعادة تعيين العامل الثاني للمصادقة
reset-reason = السبب (مثلًا: فقدان الهاتف)
column-second-factor = العامل الثاني للمصادقة
column-organisation = حساب المؤسسة
organisation-only = حساب المؤسسة فقط
organisation-only-off = السماح بكلمة المرور مجددًا
organisation-unlink = إلغاء الربط
organisation-linked = مربوط
sign-in-with = تسجيل الدخول باستخدام { $provider }
sign-in-organisation = حساب مؤسستك
sign-in-or-password = أو سجّل الدخول باستخدام عنوان بريدك الإلكتروني وكلمة المرور:
organisation-refused-title = رُفض تسجيل الدخول
organisation-refused = تعذّر قبول تسجيل الدخول عبر مؤسستك. حاول مرة أخرى؛ وإذا استمر الإخفاق، فأبلغ مشرف النظام.
organisation-no-account = لم تُوجَّه إلى هذا العنوان أي دعوة إلى حساب في أداة التتبع. اطلب من مدير البرنامج أو مشرف النظام أن يدعوك.
organisation-unverified = لم تتحقق مؤسستك من عنوان البريد الإلكتروني هذا.
organisation-other-identity = هذا الحساب مربوط بهوية أخرى في مؤسستك.
organisation-not-set-up = تسجيل الدخول بحساب المؤسسة غير مُعدّ هنا.
organisation-password-refused = يُسجَّل الدخول إلى هذا الحساب بحساب المؤسسة، لا بكلمة مرور.

## Evidence documents.
attach-document = إرفاق مستند
document = المستند
document-title = عنوان المستند
document-file = الملف
# Under the file chooser, before a file is chosen: $kinds lists the accepted types, $size the limit.
document-hint = الصيغ المقبولة: { $kinds }. الحد الأقصى للحجم: { $size }.
document-too-large = حجم الملف يتجاوز { $size }؛ لم يُحفظ أي شيء.
