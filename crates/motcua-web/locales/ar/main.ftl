site-name = الشباك الواحد
site-tagline = الإجراءات الإدارية
skip-link = انتقل إلى المحتوى الرئيسي
nav-home = الرئيسية
nav-track = تتبّع ملف
nav-kiosk = الكشك
nav-staff = الموظفون
lang-switch = اللغة
footer-text = نظام الشباك الواحد للإجراءات الإدارية — الحكم المحلي ذو المستويين في فيتنام.
footer-api = واجهة برمجية للمطوّرين

home-title = ما الإجراء الذي تحتاج إليه؟
home-lead = ابحث عن الإجراء بكلماتك: الوثائق المطلوبة والرسوم والمدة ومكان التقديم.
search-label = ابحث عن إجراء
search-hint = مثال: تسجيل المواليد، نسخة مصدّقة، dang ky ket hon
search-button = بحث
search-results = { $count ->
    [zero] لم يُعثر على أي إجراء لـ «{ $q }».
    [one] عُثر على إجراء واحد لـ «{ $q }».
    [two] عُثر على إجراءين لـ «{ $q }».
    [few] عُثر على { $count } إجراءات لـ «{ $q }».
    [many] عُثر على { $count } إجراءً لـ «{ $q }».
   *[other] عُثر على { $count } إجراء لـ «{ $q }».
}
search-none-help = جرّب كلمات أخرى، أو اسأل موظفًا في أقرب مركز لخدمات الإدارة العامة.
home-all = جميع الإجراءات
home-stats = { $procedures } إجراء · { $provinces } مقاطعة · { $communes } بلدية وحيّ ومنطقة خاصة
home-track-title = هل قدّمت ملفًا؟
home-track-lead = تحقّق من حالته برمز الملف ورقم الهاتف.

proc-field = المجال
proc-level = المستوى
proc-agency = الجهة المختصة
proc-purpose = الغرض من هذا الإجراء
proc-steps = الخطوات
proc-documents = الوثائق المطلوبة
proc-case = الحالة
proc-originals = أصول
proc-copies = نسخ
proc-form = النموذج
proc-optional = إن وُجد
proc-fees = الرسوم
proc-fee-free = بدون رسوم
proc-fee-council = يحدّدها مجلس الشعب في المقاطعة
proc-time = مدة المعالجة
proc-channel = طريقة التقديم
proc-requirements = الشروط
proc-legal = الأساس القانوني
proc-results = النتيجة
proc-where = مكان التقديم
proc-where-commune = مركز خدمات الإدارة العامة في البلدية أو الحيّ الذي تقيم فيه.
proc-where-boundary-free = يمكن تقديم هذا الإجراء في أي مركز لخدمات الإدارة العامة في المقاطعة، أينما كنت تقيم.
proc-where-province = مركز خدمات الإدارة العامة في المقاطعة، أو مركز البلدية الذي يحيله إلى الجهة المختصة.
proc-where-find = اعثر على مكان التقديم من عنوانك (العناوين القديمة مقبولة)
proc-where-address = عنوانك
proc-where-button = بحث
proc-where-result = هذا العنوان يتبع الآن { $commune }، { $province }.
proc-where-partial = قُسّمت البلدية القديمة: قد يتبع عنوانك إحدى الوحدات التالية.
proc-where-none = لم يُتعرّف على هذا العنوان. اكتب البلدية والمنطقة والمقاطعة.
proc-online = خدمة إلكترونية كاملة
proc-apply = قدّم إلكترونيًا
proc-example = قيمة توضيحية لم يؤكدها نص قانوني
proc-not-found = لا يوجد إجراء بهذا الرمز.
proc-version = الإصدار { $version }

channel-direct = حضوريًا
channel-online = إلكترونيًا
channel-postal = بالبريد
channel-kiosk = الكشك

level-commune = البلدية
level-province = المقاطعة
level-central = المركز

time-same-day = في اليوم نفسه (بعد الساعة 15:00: يوم العمل التالي)
time-working-hours = { $n ->
    [one] ساعة عمل واحدة
    [two] ساعتا عمل
    [few] { $n } ساعات عمل
    [many] { $n } ساعة عمل
   *[other] { $n } ساعة عمل
}
time-working-days = { $n ->
    [one] يوم عمل واحد
    [two] يوما عمل
    [few] { $n } أيام عمل
    [many] { $n } يوم عمل
   *[other] { $n } يوم عمل
}
time-days = { $n ->
    [one] يوم واحد
    [two] يومان
    [few] { $n } أيام
    [many] { $n } يومًا
   *[other] { $n } يوم
}
time-months = { $n ->
    [one] شهر واحد
    [two] شهران
    [few] { $n } أشهر
    [many] { $n } شهرًا
   *[other] { $n } شهر
}

track-title = تتبّع ملف
track-lead = أدخل رمز الملف المطبوع على الإيصال ورقم الهاتف الذي قدّمته.
track-code = رمز الملف
track-code-hint = مثال: 24958-250303-0001
track-phone = رقم الهاتف
track-button = تتبّع
track-not-found = لا يوجد ملف بهذا الرمز ورقم الهاتف. يرجى التحقق من الإيصال.
track-status = الحالة
track-due = موعد النتيجة
track-agency = قيد المعالجة لدى
track-submitted = تاريخ التقديم
track-timeline = مراحل المعالجة
error-summary = يوجد خطأ
error-code-required = أدخل رمز الملف
error-phone-invalid = أدخل رقم هاتف من 10 أو 11 رقمًا يبدأ بـ 0

status-submitted = مُقدَّم
status-received = مُستلَم
status-refused = غير مقبول
status-processing = قيد المعالجة
status-supplement_requested = مطلوب وثائق إضافية
status-awaiting_payment = بانتظار دفع الرسوم
status-withdrawn = مسحوب
status-stopped = متوقف
status-finished = النتيجة جاهزة
status-returned = سُلّمت النتيجة

action-submit = قُدّم
action-receive = استُلم
action-refuse = لم يُقبل
action-request_supplement = طُلبت وثائق إضافية
action-supplement = قُدّمت الوثائق
action-assign = أُسند إلى موظف
action-transfer = أُحيل إلى جهة أخرى
action-request_payment = طُلبت الرسوم
action-pay = دُفعت الرسوم
action-finish = النتيجة جاهزة
action-return_result = سُلّمت النتيجة
action-reschedule = اعتذار وموعد جديد
action-withdraw = سُحب
action-stop = أُوقف

not-found-title = الصفحة غير موجودة
not-found-lead = الصفحة التي تبحث عنها غير موجودة. عُد إلى الصفحة الرئيسية.

kind-commune_peoples_committee = اللجنة الشعبية للبلدية
kind-commune_police = شرطة البلدية
kind-commune_service_center = مركز خدمات الإدارة العامة في البلدية
kind-provincial_peoples_committee = اللجنة الشعبية للمقاطعة
kind-provincial_service_center = مركز خدمات الإدارة العامة في المقاطعة
kind-provincial_police = شرطة المقاطعة
kind-department_of_justice = إدارة العدل
kind-department_of_home_affairs = إدارة الشؤون الداخلية
kind-department_of_construction = إدارة البناء
kind-social_insurance = مكتب التأمين الاجتماعي

staff-login-title = دخول الموظفين
staff-login-lead = أدخل رمز الوصول الصادر لجهتك ودورك.
staff-token = رمز الوصول
staff-login-button = دخول
staff-login-error = رمز الوصول غير صالح
staff-logout = خروج
staff-signed-in = { $agency } · { $role }
nav-counter = الاستلام
nav-inbox = صندوق الملفات
counter-title = الاستلام الحضوري
counter-procedure = الإجراء
counter-choose = اختر الإجراء
counter-choose-button = اختيار
counter-applicant = مقدّم الطلب
counter-name = الاسم الكامل
counter-id = رقم الهوية (12 رقمًا)
counter-phone = رقم الهاتف
counter-email = البريد الإلكتروني (اختياري)
counter-address = العنوان
counter-summary = مضمون الطلب
counter-components = الوثائق المستلمة
counter-received = مستلم
counter-receive-button = استلام وإصدار الموعد
inbox-title = صندوق الملفات
inbox-filter = تصفية
inbox-all = الكل
inbox-overdue = متأخر
inbox-status = الحالة
inbox-empty = لا توجد ملفات.
inbox-code = رمز الملف
inbox-applicant = مقدّم الطلب
inbox-due = الموعد
inbox-next = الصفحة التالية
dossier-title = الملف { $code }
dossier-actions = الإجراءات
dossier-no-actions = الملف مغلق؛ لا إجراءات متبقية.
dossier-due-explain = طريقة حساب الموعد
dossier-events = سجل المعالجة
dossier-receipt = طباعة الإيصال
dossier-done = تم: { $action }.
field-reason = السبب
field-handler = الموظف المسؤول
field-to-agency = الإحالة إلى جهة (الرمز)
field-amount = المبلغ (دونغ)
field-result = النتيجة
field-document-number = رقم الوثيقة
field-new-due = الموعد الجديد
field-items = الوثائق المطلوب استكمالها
field-method = طريقة التسليم
receipt-title = إيصال الاستلام وموعد النتيجة
receipt-print = طباعة

do-receive = استلام الملف
do-refuse = رفض الاستلام
do-request_supplement = طلب وثائق إضافية
do-supplement = تسجيل الوثائق المقدّمة
do-assign = إسناد إلى موظف
do-transfer = إحالة إلى جهة أخرى
do-request_payment = طلب الرسوم
do-pay = تسجيل الدفع
do-finish = تسجيل النتيجة
do-return_result = تسليم النتيجة
do-reschedule = الاعتذار وتحديد موعد جديد
do-withdraw = السحب بطلب مقدّم الطلب
do-stop = إيقاف المعالجة

apply-start-title = التقديم الإلكتروني
apply-start-lead = ستجيب عن بضعة أسئلة وترفع وثائقك وتراجع إجاباتك قبل الإرسال. لا حاجة إلى حساب.
apply-start-button = ابدأ الآن
apply-back = رجوع
apply-continue = متابعة
apply-where-title = أين تقيم؟
apply-where-hint = اكتب البلدية أو الحيّ والمنطقة والمقاطعة. العنوان القديم (قبل يوليو 2025) مقبول.
apply-where-choose = اختر الوحدة التي تقيم فيها
apply-where-error = لم يُتعرّف على هذا العنوان. اكتب البلدية والمنطقة والمقاطعة.
apply-where-choose-error = اختر وحدة واحدة
apply-name-title = ما اسمك الكامل؟
apply-name-error = أدخل اسمك الكامل
apply-id-title = ما رقم هويتك (CCCD)؟
apply-id-hint = 12 رقمًا مطبوعة على بطاقة الهوية.
apply-id-error = يجب أن يتكوّن رقم الهوية من 12 رقمًا بالضبط
apply-contact-title = كيف نتواصل معك؟
apply-contact-hint = يتيح لك رقم الهاتف مع رمز الملف تتبّع ملفك.
apply-email-error = أدخل بريدًا إلكترونيًا بصيغة صحيحة
apply-docs-title = ارفع وثائقك
apply-docs-hint = ملفات PDF أو JPEG أو PNG، بحد أقصى 5 ميغابايت لكل ملف.
apply-docs-uploaded = مرفوع
apply-docs-remove = حذف
apply-docs-missing = ارفع: { $name }
apply-docs-button = رفع ومتابعة
apply-check-title = راجع إجاباتك قبل الإرسال
apply-change = تغيير
apply-receiving = جهة الاستلام
apply-submit = إرسال الطلب
apply-done-title = أُرسل الطلب
apply-done-code = رمز ملفك
apply-done-next = ماذا سيحدث بعد ذلك
apply-done-next-text = ستراجع { $agency } ملفك خلال ساعات العمل. عند استلامه ستحصل على موعد النتيجة؛ مدة المعالجة { $time }.
apply-done-track = احتفظ برمز الملف. يمكنك تتبّع الحالة بهذا الرمز ورقم هاتفك.
apply-expired = انتهت صلاحية هذا الطلب أو أنه غير موجود. يرجى البدء من جديد.

nav-dashboard = لوحة المتابعة
nav-admin = الإدارة
dash-title = لوحة المتابعة
dash-scope-province = المقاطعة كلها
dash-scope-agency = جهتك
dash-total = الملفات
dash-on-time-rate = نسبة الإنجاز في الموعد
dash-on-time-rate-value = { $rate }% ({ $on_time } من { $finished } ملفًا منجزًا)
dash-overdue = متأخر الآن
dash-by-status = الملفات حسب الحالة
dash-per-day = الملفات المقدّمة يوميًا (آخر 30 يومًا)
dash-by-agency = حسب جهة الاستلام
dash-agency = جهة الاستلام
dash-received = مستلم
dash-finished = منجز
dash-overdue-list = الملفات المتأخرة
dash-forbidden = لوحة المتابعة مخصّصة للقادة والمسؤولين.
kiosk-title = كشك الخدمة الذاتية
kiosk-find = ابحث عن إجراء
kiosk-track = تتبّع ملف
kiosk-choose-field = اختر المجال
kiosk-choose-procedure = اختر الإجراء
kiosk-apply = قدّم من هذا الكشك
kiosk-enter-code = أدخل رمز الملف
kiosk-enter-phone = أدخل رقم الهاتف
kiosk-delete = حذف
kiosk-ok = تم
kiosk-start-over = ابدأ من جديد
kiosk-print = اطبع الإيصال
kiosk-reset-note = تعود الشاشة إلى البداية بعد دقيقتين من عدم الاستخدام.
admin-title = الإدارة
admin-catalogue = دليل الإجراءات
admin-holidays = العطل حسب السنة
admin-edit = تعديل
admin-versions = الإصدارات
admin-json = سجل الإجراء (JSON)
admin-json-hint = الحفظ ينشئ إصدارًا جديدًا؛ تحتفظ الملفات المستلمة بإصدارها.
admin-save = احفظ كإصدار جديد
admin-saved = حُفظ: { $result }
admin-province = المقاطعة
admin-year = السنة
admin-show = عرض
admin-holiday-source-default = مقترح من قانون العمل (لم يُدخل إشعار رسمي)
admin-holiday-source-official = من الإشعار الرسمي المُدخل
admin-holiday-lines = الأيام (سطر لكل يوم: YYYY-MM-DD، off أو work، الاسم)
admin-holiday-save = احفظ كإشعار رسمي
admin-forbidden = الإدارة مخصّصة للمسؤولين.

counter-decision = نتيجة فحص الملف
counter-refuse-button = رفض الاستلام
counter-supplement-button = طلب الوثائق غير المحدّدة
counter-reason = السبب (مطلوب عند الرفض)
counter-supplement-none = ألغِ تحديد الوثائق الناقصة قبل طلبها
inbox-due-filter = الموعد
inbox-due-today = مستحق حتى اليوم
inbox-due-soon = مستحق خلال 3 أيام
inbox-procedure = الإجراء
upload-too-large = الملف أكبر من 5 ميغابايت
upload-unsupported = تُقبل ملفات PDF أو JPEG أو PNG فقط
upload-mislabelled = محتوى الملف لا يطابق نوعه
upload-empty = الملف فارغ

err-dossier-invalid_transition = لا يمكن تنفيذ هذا الإجراء في حالة الملف الحالية.
err-dossier-version_conflict = حدّث شخص آخر الملف للتو. أعد تحميل الصفحة وحاول مجددًا.
err-dossier-supplement_already_requested = طُلب استكمال الوثائق مرة واحدة؛ لا يُسمح بطلب ثانٍ.
err-dossier-supplement_item_not_in_procedure = لا يجوز طلب إلا الوثائق المدرجة في الإجراء.
err-dossier-supplement_empty = اختر وثيقة واحدة على الأقل.
err-dossier-reason_required = أدخل السبب.
err-dossier-reschedule_not_later = يجب أن يكون الموعد الجديد بعد الموعد الحالي، في يوم عمل وخلال ساعات العمل.
err-dossier-unknown_component = هذه الوثيقة ليست من وثائق الإجراء.
err-dossier-transfer_to_self = الملف موجود لدى هذه الجهة بالفعل.
err-auth-forbidden = لا يحق لك تنفيذ هذا الإجراء على هذا الملف.
err-request-invalid_field = بعض المعلومات غير صحيحة. يرجى التحقق منها.
proc-where-all = جميع نقاط الاستلام في المقاطعة ({ $count })
err-apply-missing_documents = تنقص وثيقة مطلوبة؛ ارفعها قبل الإرسال.
err-apply-incomplete = تنقص بعض الإجابات؛ تحقّق من العنوان والاسم ورقم الهوية والهاتف.
nav-verify = التحقق من مستند
verify-title = التحقق من مستند
verify-lead = ارفع ملف PDF للتحقق من توقيعه الرقمي ومن وقّعه ومتى، وهل هو المستند المحفوظ في النظام. لا حاجة لتسجيل الدخول.
verify-file = ملف PDF
verify-file-hint = بحد أقصى 5 ميغابايت. يُستخدم الملف للتحقق فقط ولا يُحفظ.
verify-button = تحقّق
verify-result = النتيجة
verify-status-valid = صالح
verify-status-invalid = غير صالح
verify-status-untrusted = غير موثوق
verify-status-unsigned = غير موقّع
verify-status-not_pdf = ليس ملف PDF
verify-reason-valid = التوقيع صالح، والموقّع موثوق، ولم يتغيّر الملف بعد توقيعه.
verify-reason-file-not_pdf = الملف ليس ملف PDF.
verify-reason-file-truncated = ملف PDF مقطوع أو غير مكتمل.
verify-reason-signature-none = لا يحمل ملف PDF توقيعًا رقميًا.
verify-reason-signature-digest_mismatch = تغيّر محتوى الملف بعد توقيعه.
verify-reason-signature-byte_range = نطاق التوقيع غير صالح.
verify-reason-signature-malformed = التوقيع تالف ولا يمكن قراءته.
verify-reason-signature-not_covering = أُضيف محتوى إلى الملف بعد آخر توقيع.
verify-reason-certificate-untrusted = لم تُصدر شهادة الموقّع جهة تصديق موثوقة.
verify-reason-certificate-expired = انتهت صلاحية شهادة الموقّع.
verify-reason-certificate-not_yet_valid = شهادة الموقّع غير سارية بعد.
verify-reason-certificate-revoked = أُلغيت شهادة الموقّع.
verify-signature = التوقيع { $n }
verify-signer = الموقّع
verify-issuer = جهة إصدار الشهادة
verify-signed-at = وقت التوقيع
verify-intact = سليم
verify-trusted = موثوق
verify-covers = يشمل الملف كله
verify-yes = نعم
verify-no = لا
verify-record = المستند المحفوظ
verify-matches = الملف مطابق تمامًا للمستند المحفوظ.
verify-no-match = الملف لا يطابق أي مستند محفوظ.
verify-not-this = الملف ليس المستند الذي يحمل هذا الرمز.
verify-number = الرقم
verify-dossier = الملف الإداري
verify-issued-by = الجهة الموقّعة
verify-issued-at = وقت الإصدار
verify-sha = بصمة SHA-256
verify-compare = لديك النسخة الورقية أو ملف؟ ارفع ملف PDF لمقارنته بهذا المستند.
verify-error-empty = اختر ملف PDF.
verify-error-type = يمكن التحقق من ملفات PDF فقط.
verify-error-large = الملف أكبر من 5 ميغابايت.
docs-title = المستندات الصادرة
docs-none = لا توجد مستندات بعد.
docs-signed-by = موقّع: { $signer }
docs-unsigned = غير موقّع
docs-done = حُفظ المستند ووُقّع.
docs-scan-title = رقمنة مكوّن من الملف
docs-scan-component = المكوّن
docs-scan-file = الملف الممسوح (PDF أو JPEG أو PNG؛ بحد أقصى 5 ميغابايت)
docs-scan-button = رقمنة وتوقيع
docs-result-title = النتيجة
docs-result-file = ملف النتيجة (PDF؛ بحد أقصى 5 ميغابايت)
docs-result-button = حفظ النتيجة وتوقيعها
register-title = سجلّ متابعة الملفات (النموذج 07)
register-from = من
register-to = إلى
register-button = تنزيل السجلّ (PDF)
err-upload-unreadable_pdf = تعذّرت قراءة ملف PDF (تالف أو محمي بكلمة مرور أو غير قياسي)، فلا يمكن توقيعه.
err-upload-too_large = الملف أكبر من 5 ميغابايت.
err-upload-unsupported_type = تُقبل ملفات PDF وJPEG وPNG فقط.
err-upload-mislabelled = محتوى الملف لا يطابق نوعه.
err-upload-empty = الملف فارغ.
err-service-unavailable = تعذّر الوصول إلى قاعدة البيانات حاليًا؛ لم يتغيّر شيء. يُرجى المحاولة بعد بضع ثوانٍ.
err-internal = حدث خطأ في النظام؛ لم يتغيّر شيء. تم تسجيل الخطأ.

# Issue 6: authority registry and linked services
error-title = تعذّر التنفيذ
field-consultation = إرسال لطلب الرأي (الجهة المستشارة تعيده فقط)
field-consultation-only = لطلب الرأي فقط
authority-title = سجل الاختصاص
authority-lead = أي جهة مختصة بأي إجراء، لأي بلدية، وفي أي تاريخ — والتداخلات والثغرات الواجب معالجتها.
authority-province = المقاطعة (الرمز)
authority-date = تاريخ الفحص
authority-check = فحص
authority-report = التقرير
authority-procedures = إجراءات
authority-units = البلديات
authority-rules = القواعد
authority-clean = لا تداخل ولا ثغرة ولا تفويض منتهٍ ولا تغيير مستوى
authority-overlaps = تداخلات (أكثر من جهة مختصة)
authority-gaps = ثغرات (لا جهة مختصة)
authority-agencies = الجهات
authority-reason = السبب
authority-expired = تفويضات منتهية بلا بديل
authority-dangling = تفويضات تشير إلى جهات لم تعد موجودة
authority-levels = إجراءات تغيّر مستواها
authority-rules-title = قواعد السجل
authority-no-rules = لا قواعد خاصة بالمقاطعة: الاختصاص وفق الدليل الوطني.
authority-kind = النوع
authority-subject = الإجراء / المجال
authority-grant = الجهة
authority-validity = السريان
authority-basis = الأساس القانوني
authority-example = مثال
linked-new-title = استلام طلب مترابط
linked-new-lead = تقديم واحد ورمز واحد: يفتح النظام ملفًا لدى كل جهة؛ تبدأ الخطوة عندما تصدر نتيجة الخطوة السابقة.
linked-service = الخدمة المترابطة
linked-after = بعد
linked-meritorious = المتوفى من ذوي الخدمات الجليلة (تقرر الإعانة إدارة الشؤون الداخلية)
linked-summary = الموضوع (اسم الطفل، اسم المتوفى…)
linked-submit = استلام
linked-title = طلب مترابط
linked-progress = التقدم
linked-what-to-do = ما على مقدم الطلب فعله:
linked-overall-in-progress = قيد المعالجة
linked-overall-finished = كل النتائج جاهزة
linked-overall-attention = خطوة لم تكتمل
linked-state-waiting = بانتظار الخطوة السابقة
linked-state-ready = يُرسل إلى جهته
linked-state-in-progress = قيد المعالجة
linked-state-done = النتيجة جاهزة
linked-state-not-done = لم تكتمل
linked-state-blocked = لن تبدأ: خطوة سابقة لم تكتمل
nav-linked = مترابط
nav-authority = الاختصاص
dossier-competent = الجهة المختصة
dossier-routed-by = بموجب
dossier-basis-catalogue = الدليل
dossier-consulted-for = استشارة لصالح
authority-added = أضيفت القاعدة.
authority-ended = انتهى سريان القاعدة.
authority-end = إنهاء
authority-end-date = آخر يوم سريان لـ
authority-add = إضافة قاعدة
authority-add-hint = قاعدة واحدة (JSON): إسناد أو لامركزية أو تفويض، مع أساسها القانوني وتواريخها. لا تُعدَّل القواعد: أنهِ القديمة ثم أضف البديلة.
counter-support-point = نقطة الدعم (إن وجدت)
counter-support-point-hint = المكان الذي ساعد مقدم الطلب في إعداد الملف: مكتب بريد، فريق رقمي مجتمعي، دار القرية…

## Reports (issue #7)
nav-reports = المؤشرات
reports-title = المؤشرات
reports-lead = أرقام الوحدة لفترة ما، من عدّادات تُحدَّث مع كل ملف: الملفات المقدَّمة في الفترة ونتائجها، وما هو متأخر ومفتوح الآن.
reports-index-title = مؤشر خدمة المواطنين والشركات
reports-index-lead = القرار 766/QĐ-TTg: ست مجموعات، 100 نقطة. يعرض كل مقياس البسط والمقام والنسبة والهدف والنقاط؛ المقياس الذي لا يسجله النظام بعد يُذكر "لا بيانات" ولا يُحتسب.
reports-unit = الوحدة
reports-unit-hint = رمز المقاطعة (68) أو البلدية (22945) أو الجهة (68.SNV)
reports-year = السنة
reports-quarter = الربع
reports-month = الشهر
reports-show = عرض
reports-bad-period = الفترة غير صالحة: سنة بين 2000 و2100، ومعها ربع (1–4) أو شهر (1–12) على الأكثر.
reports-unknown-unit = لا توجد مقاطعة أو بلدية أو جهة بهذا الرمز.
reports-forbidden = مؤشرات الوحدة لقادتها ولمسؤولي مقاطعتها.
reports-unavailable = قاعدة البيانات لا تستجيب؛ يرجى المحاولة بعد دقائق.
reports-points-of-100 = نقطة من 100
reports-unmeasured = نقاط غير مقاسة (لا بيانات)
reports-index-groups = النقاط حسب المجموعة
reports-index-legend = الأزرق: نقاط محققة؛ الرمادي الداكن: غير مقاسة؛ الرمادي الفاتح: غير محققة.
reports-metrics = المقاييس
reports-groups = المجموعات
reports-code = الرمز
reports-metric = المقياس
reports-numerator = البسط
reports-denominator = المقام
reports-ratio = النسبة
reports-target = الهدف
reports-score = النقاط
reports-max = الحد الأقصى
reports-note = ملاحظة
reports-download = تنزيل
reports-method = طريقة الحساب
reports-method-text = المقياس ذو الهدف يحصل على min(الحد الأقصى، الحد الأقصى × النسبة ÷ الهدف)؛ ودون هدف: الحد الأقصى × النسبة. تحصل البلدية على النقاط كاملة في المقاييس التي لا تنطبق عليها. في الموعد = الملفات المنجزة مبكرًا أو في الموعد ÷ (المنجزة + المتأخرة الآن) من الملفات المقدمة في الفترة.
reports-filed = المقدَّمة
reports-overdue-now = متأخرة الآن
reports-backlog = مفتوحة (المتراكم)
reports-online-share = مقدَّمة عبر الإنترنت
reports-avg-time = متوسط المعالجة
reports-p90 = 90% تُنجز خلال
reports-late = متأخرة
reports-open = مفتوحة
reports-supplement-share = طُلب استكمالها
reports-by-month = الملفات المقدمة حسب الشهر
reports-by-agency = حسب الجهة المختصة
reports-by-procedure = حسب الإجراء
reports-officers = حسب الموظف
reports-officer = الموظف
reports-actions = الإجراءات
reports-finishes = النتائج المسجلة
reports-name = الاسم
reports-nothing = لا ملفات في الفترة.
reports-see-index = مؤشر 766 للوحدة
reports-kpi-method = تُحتسب الملفات في شهر تقديمها. زمن المعالجة من الاستلام حتى النتيجة، دون وقت انتظار الاستكمال.
