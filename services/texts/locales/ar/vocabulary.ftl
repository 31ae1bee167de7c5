## The framework's vocabulary: principles, life-cycle stages, responsible authorities, risks,
## DPI system types. Ids are the catalogue's codes.

principle-F1 = عدم إلحاق الضرر
principle-F2 = عدم التمييز
principle-F3 = عدم الإقصاء
principle-F4 = تعزيز الشفافية والمساءلة
principle-F5 = دعم سيادة القانون
principle-F6 = النهوض بالاستقلالية والقدرة على التصرف
principle-F7 = تشجيع مشاركة المجتمعات المحلية
principle-F8 = كفالة سبل الانتصاف والجبر الفعالة
principle-F9 = التركيز على الاستدامة في المستقبل
principle-O1 = الاستفادة من ديناميات السوق
principle-O2 = التطور استنادا إلى الأدلة
principle-O3 = كفالة خصوصية البيانات منذ مرحلة التصميم
principle-O4 = ضمان أمن البيانات منذ مرحلة التصميم
principle-O5 = كفالة حماية البيانات أثناء استخدامها
principle-O6 = مراعاة نوع الجنس أو القدرة أو السن
principle-O7 = ممارسة الحوكمة الشاملة للجميع
principle-O8 = الحفاظ على الجدوى المالية
principle-O9 = بناء الأصول المفتوحة وتقاسمها

stage-L1 = التصور وتحديد النطاق
stage-L2 = الاستراتيجية والتصميم
stage-L3 = التطوير
stage-L4 = النشر
stage-L5 = التشغيل والصيانة

authority-R1 = الحكومة
authority-R2 = الجهة التنظيمية
authority-R3 = الجهة المانحة
authority-R4 = مقدم التكنولوجيا
authority-R5 = جهات الدعوة (المجتمع المدني)

risk-RS1 = ضعف حماية الخصوصية
risk-RS2 = انعدام الأمن الرقمي
risk-RS3 = انعدام الأمن المادي
risk-RS4 = انعدام سبل الانتصاف
risk-RI1 = التمييز
risk-RI2 = عدم المساواة في الوصول
risk-RI3 = الإقصاء
risk-RI4 = الحرمان من التمكين
risk-SV1 = انعدام الثقة الرقمية
risk-SV2 = ضعف سيادة القانون
risk-SV3 = ضعف المؤسسات
risk-SV4 = أوجه القصور التقنية
risk-SV5 = عدم الاستدامة

dpi-system-digital-id = الهوية الرقمية
dpi-system-payments = المدفوعات
dpi-system-data-exchange = تبادل البيانات
dpi-system-registries = السجلات
dpi-system-other = أخرى
