## Why a value or a step is refused: one message per code of the domain's and the use cases'
## refusals (`reason!("code", …)` in the Rust code). A value in a field comes after the field's
## name ("Title: must not be empty"), so these start in lower case.

## Values of a field.
required = حقل مطلوب
empty = يجب ألا يُترك فارغًا
too-long = يجب ألا يتجاوز عدد الأحرف { $max }
too-short = يجب ألا يقل عدد الأحرف عن { $min }
not-one-line = يجب أن يكون سطرًا واحدًا خاليًا من أحرف التحكم
control-characters = يحتوي على أحرف تحكم
not-a-percent = يجب أن يكون عددًا صحيحًا من 0 إلى 100
not-a-link = يجب أن يكون رابط http أو https، مثل https://example.org/report.pdf
not-an-email = ليس عنوان بريد إلكتروني مثل name@example.org
not-a-date = «{ $value }» ليس تاريخًا بالصيغة 2026-03-31
not-a-week = «{ $value }» ليس أسبوعًا بالصيغة 2026-W48
not-an-id = «{ $value }» ليس معرِّفًا صالحًا
not-a-country-code = «{ $value }» ليس رمز بلد مكونًا من ثلاثة أحرف (ISO 3166-1 alpha-3)
not-a-country = «{ $value }» ليس بلدًا واردًا في المعيار ISO 3166-1
not-a-process-ref = «{ $value }» ليس مرجع عملية مثل O3.7
not-a-process = { $process } ليست عملية واردة في فهرس الإطار { $catalogue }
unknown-code = «{ $value }» ليس من بين القيم التالية: { $choices }
unknown-word = «{ $value }» ليس من بين القيم التالية: { $choices }
out-range = خارج النطاق المسموح به
not-account-s-password = ليست كلمة مرور الحساب
too-many-items = يجب ألا يتجاوز عدد العناصر { $max }

## Accounts.
account-disabled = الحساب معطَّل
account-not-disabled = الحساب غير معطَّل
account-e-mail-address-already = يوجد بالفعل حساب بعنوان البريد الإلكتروني هذا
account-already-role-countries = للحساب بالفعل هذا الدور وهذه البلدان
account-act-countries-already = يحق للحساب بالفعل التصرف في هذه البلدان
admin-cannot-disable-account = لا يمكن لمشرف النظام تعطيل حسابه الخاص
least-one-enabled-admin-must = يجب أن يبقى مشرف نظام مفعَّل واحد على الأقل: اجعل حسابًا آخر مشرفًا للنظام أولًا
role-may-not = لا يسمح دور «{ $role }» بالقيام بذلك
not-your-country = لا يجوز لجهة الاتصال التصرف إلا في البلدان المسندة إليها، وليس البلد { $country } من بينها

## Engagements.
engagement-closed = المشاركة مغلقة
country-engagement-closed = المشاركة مع { $country } مغلقة
engagement-already-open = توجد بالفعل مشاركة مفتوحة مع { $country }
engagement-already-published = السجل منشور بالفعل
engagement-not-published = السجل غير منشور
engagement-status-not-allowed = لا يمكن أن تنتقل المشاركة من «{ $from }» إلى «{ $to }»
dpi-system-already-tracked = يجري تتبع النظام «{ $system }» بالفعل
dpi-system-already-at-stage = النظام «{ $system }» في مرحلة «{ $stage }» بالفعل
dpi-system-twice = النظام «{ $system }» مدرج مرتين
account-already-focal-point-engagement = هذا الحساب جهة اتصال للمشاركة بالفعل
enabled-focal-point-account-focal = لا يمكن أن يكون جهة اتصال إلا حساب جهة اتصال مفعَّل

## Commitments and plans.
commitment-already-exists = الالتزام موجود بالفعل
commitment-withdrawn = سُحب الالتزام
commitment-needs-least-one-principle = يجب أن يرتبط الالتزام بمبدأ واحد على الأقل
revision-changes-nothing-give-least = التنقيح لا يغيّر شيئًا: أدخل قيمة جديدة في حقل واحد على الأقل
choose-least-one-process-plan = اختر عملية واحدة على الأقل للخطة
plan-too-large = يجب ألا يتجاوز عدد الالتزامات في الخطة { $max }

## Milestones.
milestone-already-exists = المعلم موجود بالفعل
milestone-step-not-allowed = لا يمكن اتخاذ هذه الخطوة بشأن معلم حالته «{ $status }»: { $step }
achievement-needs-least-one-piece = يحتاج الإنجاز إلى دليل واحد على الأقل: رابط أو مستند مرفق
evidence-link-recorded-already = رابط الدليل هذا مسجَّل بالفعل
achievement-must-verified-someone-other = يجب أن يتحقق من الإنجاز شخص غير الشخص الذي أبلغ عنه
milestone-already-due-date = موعد استحقاق المعلم هو هذا التاريخ بالفعل
kept-changing = ظل السجل يتغير أثناء إرسال هذه البيانات: حاول مرة أخرى

## The spreadsheet's rows.
sheet-id-twice = هذا المعرِّف موجود بالفعل في الصف { $first }: صف واحد لكل معرِّف
sheet-no-such-milestone = لا يحمل أي معلم من معالم { $country } هذا المعرِّف: لا يمكن إضافة صفوف هنا
sheet-no-such-commitment = لا يحمل أي التزام من التزامات { $country } هذا المعرِّف: لا يمكن إضافة صفوف هنا
sheet-changed-since = تغيّر الصف في أداة التتبع منذ تنزيلك للملف، فتُرك دون تغيير: نزّل الملف مرة أخرى لتعديله
sheet-you-not-revise-commitments-country = لا يجوز لك تنقيح التزامات هذا البلد
sheet-must-commitment-or-milestone = يجب أن تكون القيمة «commitment» أو «milestone»
sheet-must-number-download-gave-row = يجب أن يكون هو الرقم المخصص لهذا الصف عند التنزيل
sheet-milestone-keeps-title-commitment-s = يحتفظ المعلم بعنوانه؛ ولا يتغير هنا إلا عنوان الالتزام
sheet-verification-done-tracker-someone-other = يجري التحقق في أداة التتبع، ويتولاه شخص غير الشخص الذي أبلغ عن الإنجاز
sheet-give-evidence-link-title = أدخل عنوانًا لرابط الدليل
sheet-say-why-rescheduled = اذكر سبب تغيير موعد الاستحقاق: الملاحظة هي السبب
sheet-say-why-blocked = اذكر سبب التعثر: الملاحظة هي السبب
sheet-say-why-cancelled = اذكر سبب الإلغاء: الملاحظة هي السبب
sheet-keeps-due-date = يحتفظ المعلم الذي حالته «{ $status }» بموعد استحقاقه
sheet-no-progress = لا يقبل المعلم الذي حالته «{ $status }» أي تقرير عن التقدم
sheet-achievement-needs-new-evidence-link = يتطلب الإنجاز رابط دليل جديدًا وعنوانه
sheet-verified-milestone-does-not-change = لا يتغير هنا المعلم الذي تم التحقق منه
sheet-cancelled-milestone-does-not-change = لا يتغير هنا المعلم الملغى
sheet-achievement-sent-back-verifier-tracker = يعيد المتحقق الإنجاز في أداة التتبع
sheet-status-not-allowed = لا يمكن الانتقال من «{ $from }» إلى «{ $to }»
sheet-milestone-takes-no-more-evidence = لا يقبل هذا المعلم مزيدًا من الأدلة
commitment-row-revises-title-due = لا يُنقّح صف الالتزام إلا عنوانه وموعد استحقاقه
milestone-row-does-not-revise = لا يُنقّح صف المعلم أي التزام

## Subscriptions.
subscription-already-confirmed = الاشتراك مؤكَّد بالفعل
subscriber-unsubscribed = أُلغي اشتراك هذا العنوان
already-unsubscribed = الاشتراك ملغى بالفعل
confirmation-link-invalid-or-expired = رابط التأكيد غير صالح أو انتهت صلاحيته: اشترك مجددًا
no-pending-subscription-confirm = لا يوجد اشتراك في انتظار التأكيد

## The tracker's own work (reminders and the digest's deliveries); seldom shown to a person.
focal-point-reminded-milestone-week = سبق تذكير جهة الاتصال هذه بهذا المعلم هذا الأسبوع
reminder-not-recorded = هذا التذكير غير مسجَّل
digest-already-composed = أُعدّ بالفعل عدد النشرة للفترة { $period }
digest-already-completed = اكتمل عدد النشرة بالفعل
digest-already-delivered = سبق تسليم عدد النشرة
delivery-given-up = تم التخلي عن الإرسال
another-worker-holds-delivery = تتولى عملية أخرى هذا الإرسال
next-attempt-not-due-yet = لم يحن بعد موعد المحاولة التالية
delivery-already-settled = حُسم الإرسال بالفعل
delivery-not-held = لم تعد المحاولة { $attempt } تتولى هذا الإرسال
range-positions-ends-before-starts = ينتهي نطاق المواضع قبل أن يبدأ

## The confirmation of an upload.
sheet-left-with-row = تُرك دون تغيير مع بقية صفه
sheet-changed-meanwhile = تغيّر في أداة التتبع منذ تنزيلك للملف، فتُرك دون تغيير
sheet-store-down = لم يُسجَّل: يتعذر على أداة التتبع التسجيل حاليًا؛ حمّل الملف مرة أخرى لاحقًا
sheet-refused = مرفوض

## Signing in: second factors and the organisation's account.
second-factor-already = للحساب عامل ثانٍ للمصادقة بالفعل
no-second-factor = ليس للحساب عامل ثانٍ للمصادقة
wrong-code = هذا ليس الرمز الحالي
enrolment-expired = لا يطابق أي عملية إعداد للعامل الثاني للمصادقة في هذا الحساب؛ ابدأ من جديد
organisation-linked-other = الحساب مربوط بهوية أخرى في المؤسسة
organisation-not-linked = الحساب غير مربوط بالمؤسسة
organisation-sign-in-only = يُسجَّل الدخول إلى هذا الحساب بحساب المؤسسة، لا بكلمة مرور
organisation-unverified = لم تتحقق المؤسسة من عنوان البريد الإلكتروني هذا
organisation-no-account = لا يوجد حساب مدعو لهذا العنوان
organisation-refused = لا تثبت إجابة مزوّد الهوية مَن سجّل الدخول

## Evidence documents.
not-a-sha256 = يجب أن يتكون من 64 رقمًا ست عشريًا بأحرف صغيرة
document-empty = الملف فارغ
document-type-not-accepted = لا يُقبل هذا النوع من الملفات؛ الصيغ المقبولة هي: { $kinds }
document-markup = لا تُقبل صفحات الويب ولا غيرها من الملفات المكتوبة بلغات الترميز؛ احفظ الصفحة بصيغة PDF
document-unpacks-too-large = سيتجاوز حجم المستند بعد فك ضغطه حجمه الأصلي بكثير، ولذلك لا يُقبل
evidence-file-attached-already = هذا المستند مرفق بالمعلم بالفعل
document-macros = لا تُقبل المستندات التي تحتوي على وحدات ماكرو؛ احفظ المستند دونها
upload-unreadable = انقطع التحميل أو تعذرت قراءته؛ لم يُحفظ أي شيء
